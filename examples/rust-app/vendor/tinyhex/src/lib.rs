//! Lower-case hexadecimal encoding.

/// Each byte as two lower-case hex digits.
pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
