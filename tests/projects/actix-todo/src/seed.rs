fn main() {
    println!("seeded 0 todos");
}
