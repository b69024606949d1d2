package dev.imagetailor.example;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class GreetingTest {
    @Test
    public void healthzIsOk() {
        assertEquals("ok\n", Greeting.respond("/healthz", null));
    }

    @Test
    public void greetingComesFromTheEnvironment() {
        assertEquals("hi from java-app\n", Greeting.respond("/", "hi"));
        assertEquals("hello from java-app\n", Greeting.respond("/", ""));
    }
}
