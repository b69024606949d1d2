#[test]
fn counts() {
    assert_eq!(wc_tools::words(" a b  c "), 3);
    assert_eq!(wc_tools::lines("a\nb\n"), 2);
}
