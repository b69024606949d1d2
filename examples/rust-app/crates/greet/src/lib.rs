//! The greeting both binaries print.

/// "GREETING, NAME!" with defaults for empty parts.
pub fn greeting(greeting: &str, name: &str) -> String {
    let greeting = if greeting.trim().is_empty() { "Hello" } else { greeting.trim() };
    let name = if name.trim().is_empty() { "world" } else { name.trim() };
    format!("{greeting}, {name}!")
}

#[cfg(test)]
mod tests {
    use super::greeting;

    #[test]
    fn defaults_fill_empty_parts() {
        assert_eq!(greeting("", ""), "Hello, world!");
        assert_eq!(greeting(" Hi ", "Ada"), "Hi, Ada!");
    }
}
