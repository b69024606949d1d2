package com.example.shop.core;

import java.util.List;

public final class Catalog {
    public List<String> items() {
        return List.of("kettle", "teapot");
    }
}
