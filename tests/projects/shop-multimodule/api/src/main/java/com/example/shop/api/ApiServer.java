package com.example.shop.api;

import com.example.shop.core.Catalog;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public final class ApiServer {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("SHOP_PORT", "7070"));
        String banner = System.getenv("SHOP_BANNER");
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/items", exchange -> {
            byte[] body = String.join("\n", new Catalog().items()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println(banner == null ? "shop api up" : banner);
    }
}
