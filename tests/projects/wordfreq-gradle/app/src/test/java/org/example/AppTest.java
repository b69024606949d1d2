package org.example;

import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;

class AppTest {
    @Test void appHasAMain() throws Exception {
        assertNotNull(App.class.getMethod("main", String[].class));
    }
}
