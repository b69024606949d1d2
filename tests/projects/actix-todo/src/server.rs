use actix_web::{get, web, App, HttpServer, Responder};

#[get("/healthz")]
async fn healthz() -> impl Responder {
    "ok"
}

#[get("/todos/{id}")]
async fn todo(path: web::Path<u32>) -> impl Responder {
    format!("todo {}", path.into_inner())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8088);
    let db = std::env::var("DATABASE_URL").unwrap_or_default();
    eprintln!("database: {}", if db.is_empty() { "memory" } else { "configured" });
    HttpServer::new(|| App::new().service(healthz).service(todo))
        .bind(("0.0.0.0", port))?
        .run()
        .await
}

#[cfg(test)]
mod tests {
    use actix_web::{test, App};

    #[actix_web::test]
    async fn health_is_ok() {
        let app = test::init_service(App::new().service(super::healthz)).await;
        let resp = test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
        assert!(resp.status().is_success());
    }
}
