//! The command-line twin: prints the greeting for its arguments.

fn main() {
    let name = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let greeting = std::env::var("GREETING").unwrap_or_default();
    println!("{}", greet::greeting(&greeting, &name));
}
