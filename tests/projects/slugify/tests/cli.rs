#[test]
fn lib_from_integration_test() { assert_eq!(slugkit::slug("A B"), "a-b"); }
