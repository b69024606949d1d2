//! The public handler, from outside the crate.

#[test]
fn health_answers_ok() {
    assert_eq!(rust_app::respond("GET /healthz HTTP/1.0", "").0, 200);
}
