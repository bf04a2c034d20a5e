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
}
