// Writes the build's facts into OUT_DIR for include! (Cargo build scripts).
use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").unwrap();
    let profile = env::var("PROFILE").unwrap_or_default();
    fs::write(Path::new(&out).join("facts.rs"), format!("pub const PROFILE: &str = {profile:?};\n")).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
