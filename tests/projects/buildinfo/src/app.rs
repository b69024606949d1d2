//! Prints what build.rs recorded.
include!(concat!(env!("OUT_DIR"), "/facts.rs"));

fn main() {
    println!("buildinfo {} ({PROFILE})", env!("CARGO_PKG_VERSION"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn profile_is_recorded() {
        assert!(!super::PROFILE.is_empty());
    }
}
