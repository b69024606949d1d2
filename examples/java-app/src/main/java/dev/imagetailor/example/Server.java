package dev.imagetailor.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** An HTTP service on the JDK's own server: GET /healthz and GET / (configured by GREETING). */
public final class Server {
    private Server() {}

    public static void main(String[] args) throws IOException {
        String portText = System.getenv("PORT");
        int port = Integer.parseInt(portText == null || portText.isBlank() ? "8080" : portText);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/healthz", exchange ->
                send(exchange, "application/json", Greeting.HEALTHY));
        server.createContext("/", exchange ->
                send(exchange, "text/html; charset=utf-8", Greeting.page(System.getenv("GREETING"))));
        // SIGTERM runs the JVM's shutdown hooks: stop accepting, let requests finish (1 s).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
        server.start();
        System.out.println("java-app listening on :" + port);
    }

    private static void send(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
