package io.pgsidecar.admin;

import java.util.Locale;

/** Checks query parameters; a bad value becomes a 400 naming the parameter, the value and what fits. */
public final class Params {

    private Params() {
    }

    public static int intInRange(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < min || v > max) {
                throw new ApiException.InvalidParameter(name, raw, "expected a whole number from " + min + " to " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter(name, raw, "expected a whole number from " + min + " to " + max);
        }
    }

    public static boolean bool(String name, String raw, boolean fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ApiException.InvalidParameter(name, raw, "expected true or false");
        };
    }

    /**
     * A free-text query value that is compared with stored text, or null when absent or blank. One
     * with a control character is refused: no stored name has one, and PostgreSQL takes no NUL as a
     * parameter (it answered 500 {@code database_error}).
     */
    public static String text(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c >= 0x7F && c <= 0x9F) {
                StringBuilder shown = new StringBuilder();
                raw.chars().limit(100).forEach(x -> shown.append(x < 0x20 || x >= 0x7F && x <= 0x9F
                        ? String.format("\\u%04X", x) : String.valueOf((char) x)));
                throw new ApiException.InvalidParameter(name, shown.toString(), "expected text without control characters");
            }
        }
        return raw;
    }
}
