pub fn c_to_f(c: f64) -> f64 { c * 9.0 / 5.0 + 32.0 }
pub fn f_to_c(f: f64) -> f64 { (f - 32.0) * 5.0 / 9.0 }

#[cfg(test)]
mod tests {
    use super::*;
    #[test] fn freezing() { assert_eq!(c_to_f(0.0), 32.0); }
    #[cfg(feature = "fahrenheit")]
    #[test] fn back() { assert_eq!(f_to_c(212.0), 100.0); }
}
