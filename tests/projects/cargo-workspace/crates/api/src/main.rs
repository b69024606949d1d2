//! A minimal HTTP front for the stock (std::net; one request per connection).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Mutex;

use inventory_core::Stock;

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(7000);
    let listener = TcpListener::bind(("0.0.0.0", port))?;
    let stock = Mutex::new(Stock::default());
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut line = String::new();
        BufReader::new(stream.try_clone()?).read_line(&mut line)?;
        let body = if line.starts_with("GET /healthz ") {
            "ok".to_string()
        } else {
            format!("apples: {}", stock.lock().unwrap().level("apples"))
        };
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    }
    Ok(())
}
