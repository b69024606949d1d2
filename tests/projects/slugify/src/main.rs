fn main() {
    let input: Vec<String> = std::env::args().skip(1).collect();
    let text = if input.is_empty() { "Hello imagetailor".to_string() } else { input.join(" ") };
    println!("{}", slugkit::slug(&text));
}
