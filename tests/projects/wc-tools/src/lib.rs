//! Counting, shared by both binaries.

pub fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

pub fn lines(text: &str) -> usize {
    text.lines().count()
}
