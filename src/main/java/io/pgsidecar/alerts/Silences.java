package io.pgsidecar.alerts;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks silence input; every message is meant for a 400. */
public final class Silences {

    /** The longest silence: longer ones are forgotten rather than meant. */
    public static final Duration MAX_DURATION = Duration.ofDays(90);
    static final int MAX_MATCHERS = 20;
    private static final Pattern SIMPLE = Pattern.compile("(?:(\\d{1,6})d)?(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,6})s)?");

    private Silences() {
    }

    public static List<Matcher> validateMatchers(List<Matcher> matchers) {
        if (matchers == null || matchers.isEmpty()) {
            throw new IllegalArgumentException("at least one matcher, e.g. {\"name\": \"alertname\", \"value\": \"SlowQuery\"}");
        }
        if (matchers.size() > MAX_MATCHERS) {
            throw new IllegalArgumentException("at most " + MAX_MATCHERS + " matchers");
        }
        List<Matcher> out = new ArrayList<>();
        boolean selective = false;
        for (Matcher m : matchers) {
            if (m == null) {
                throw new IllegalArgumentException("a matcher is null");
            }
            Matcher v = m.validated();
            selective |= !v.matchesEmpty();
            out.add(v);
        }
        if (!selective) {
            // Alertmanager's rule too: a silence whose every matcher matches an absent label silences everything.
            throw new IllegalArgumentException("at least one matcher must not match the empty string");
        }
        return List.copyOf(out);
    }

    /** Parses {@code 2h}, {@code 1h30m}, {@code 1d}, {@code 45m} or ISO-8601 {@code PT2H}. */
    public static Duration parseDuration(String raw) {
        String expected = "expected a duration above zero and at most 90d, like 30m, 2h, 1h30m, 1d or PT2H";
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException(expected);
        }
        String s = raw.trim();
        Duration d;
        var m = SIMPLE.matcher(s);
        if (m.matches() && !s.isEmpty()) {
            d = Duration.ZERO;
            long[] unitsSeconds = {86400, 3600, 60, 1};
            for (int i = 0; i < 4; i++) {
                if (m.group(i + 1) != null) {
                    d = d.plusSeconds(Long.parseLong(m.group(i + 1)) * unitsSeconds[i]);
                }
            }
        } else {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(expected);
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(expected);
        }
        return d;
    }
}
