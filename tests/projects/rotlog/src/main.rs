use std::collections::HashMap;
fn load(path: &str) -> std::io::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text.lines().filter(|l| !l.trim_start().starts_with('#')).filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect())
}
fn main() {
    let path = std::env::var("ROTLOG_CONFIG").unwrap_or_else(|_| "config/rotlog.conf".into());
    match load(&path) {
        Ok(cfg) => println!("rotlog: keep={} dir={}", cfg.get("keep").map(String::as_str).unwrap_or("?"), cfg.get("dir").map(String::as_str).unwrap_or("?")),
        Err(e) => { eprintln!("rotlog: cannot read {}: {}", path, e); std::process::exit(1); }
    }
}
