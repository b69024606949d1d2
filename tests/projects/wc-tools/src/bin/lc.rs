//! `lc`: lines of standard input.
use std::io::Read;
fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("stdin");
    println!("lines: {}", wc_tools::lines(&text));
}
