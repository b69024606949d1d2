package dev.imagetailor.example;

/** What the service answers, kept apart from HTTP so the tests need no server. */
public final class Greeting {
    public static final String HEALTHY = "{\"status\":\"ok\"}";

    private Greeting() {}

    /** The page for GET /: the greeting from the environment, HTML-escaped. */
    public static String page(String greeting) {
        String word = (greeting == null || greeting.isBlank()) ? "hello" : greeting;
        return "<!doctype html><title>java-app</title><p>" + escape(word) + " from java-app</p>\n";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
