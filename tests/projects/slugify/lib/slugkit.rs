pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() { if c.is_ascii_alphanumeric() { out.push(c.to_ascii_lowercase()) } else if !out.ends_with('-') && !out.is_empty() { out.push('-') } }
    out.trim_end_matches('-').to_string()
}
#[cfg(test)]
mod t { #[test] fn s() { assert_eq!(super::slug("Hello, World!"), "hello-world"); } }
