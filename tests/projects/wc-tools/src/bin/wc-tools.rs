//! `wc-tools [TEXT...]`: words in the arguments (or in a sample).
fn main() {
    let text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let text = if text.is_empty() { "one two three".to_string() } else { text };
    println!("words: {}", wc_tools::words(&text));
}
