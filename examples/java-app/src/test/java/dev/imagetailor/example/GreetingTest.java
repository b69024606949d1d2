package dev.imagetailor.example;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class GreetingTest {
    @Test
    public void healthIsJson() {
        assertEquals("{\"status\":\"ok\"}", Greeting.HEALTHY);
    }

    @Test
    public void greetingComesFromTheEnvironmentEscaped() {
        assertTrue(Greeting.page("<hi>").contains("<p>&lt;hi&gt; from java-app</p>"));
        assertTrue(Greeting.page("").contains("<p>hello from java-app</p>"));
    }
}
