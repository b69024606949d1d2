package com.example.shop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.shop.core.Catalog;
import org.junit.jupiter.api.Test;

class CatalogTest {
    @Test
    void listsTwoItems() {
        assertEquals(2, new Catalog().items().size());
    }
}
