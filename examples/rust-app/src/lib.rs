//! Request handling, kept apart from the socket so tests need no network.

use tinyhex::encode;

/// The status line and body for a request line such as "GET /healthz HTTP/1.1".
pub fn respond(request_line: &str, greeting: &str) -> (u16, String) {
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" {
        return (405, "method not allowed\n".to_string());
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let name = query.strip_prefix("name=").unwrap_or("");
    match path {
        "/healthz" => (200, "{\"status\":\"ok\"}\n".to_string()),
        "/" => (200, format!("{}\n", greet::greeting(greeting, name))),
        "/hex" => (200, format!("{}\n", encode(name.as_bytes()))),
        _ => (404, "not found\n".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::respond;

    #[test]
    fn routes() {
        assert_eq!(respond("GET /healthz HTTP/1.1", "").1, "{\"status\":\"ok\"}\n");
        assert_eq!(respond("GET /?name=Ada HTTP/1.1", "Hi"), (200, "Hi, Ada!\n".into()));
        assert_eq!(respond("GET /hex?name=ok HTTP/1.1", ""), (200, "6f6b\n".into()));
        assert_eq!(respond("POST / HTTP/1.1", "").0, 405);
        assert_eq!(respond("GET /nope HTTP/1.1", "").0, 404);
    }
}
