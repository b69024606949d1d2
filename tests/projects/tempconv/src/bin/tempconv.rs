fn main() {
    let v: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20.0);
    #[cfg(feature = "fahrenheit")]
    println!("{}F = {:.1}C", v, tempconv::f_to_c(v));
    #[cfg(not(feature = "fahrenheit"))]
    println!("{}C = {:.1}F", v, tempconv::c_to_f(v));
}
