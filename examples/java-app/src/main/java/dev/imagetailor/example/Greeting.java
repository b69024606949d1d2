package dev.imagetailor.example;

/** What the service answers, kept apart from HTTP so the tests need no server. */
public final class Greeting {
    private Greeting() {}

    public static String respond(String path, String greeting) {
        if ("/healthz".equals(path)) {
            return "ok\n";
        }
        String word = (greeting == null || greeting.isBlank()) ? "hello" : greeting;
        return word + " from java-app\n";
    }
}
