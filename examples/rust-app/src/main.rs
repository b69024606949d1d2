//! The HTTP service: std::net only, one thread per connection.

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

fn handle(stream: TcpStream, greeting: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let (status, body) = rust_app::respond(line.trim_end(), greeting);
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

// SIGTERM ends the process at once: as PID 1 in a container, a signal without a handler is
// ignored, and `docker stop` would wait out its grace period. (std has no signal API; libc's
// signal() and _exit() are enough for a server with nothing to flush.)
extern "C" {
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    fn _exit(code: i32) -> !;
}

extern "C" fn on_sigterm(_: i32) {
    unsafe { _exit(0) }
}

fn main() -> std::io::Result<()> {
    unsafe {
        signal(15, on_sigterm);
    }
    let port = env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let greeting = env::var("GREETING").unwrap_or_default();
    let listener = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    eprintln!("rust-app listening on :{port}");
    for stream in listener.incoming() {
        let greeting = greeting.clone();
        let stream = stream?;
        thread::spawn(move || {
            let _ = handle(stream, &greeting);
        });
    }
    Ok(())
}
