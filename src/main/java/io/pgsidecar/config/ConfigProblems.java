package io.pgsidecar.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with the configuration, collected at start-up from every {@link ConfigCheck}. Each
 * problem is one line that names the key (and its environment alias where it has one) and the bad
 * value, so the one start-up message tells an operator exactly what to change.
 */
public final class ConfigProblems {

    private final List<String> problems = new ArrayList<>();

    public void add(String problem) {
        problems.add(problem);
    }

    /** Whether a problem already reported starts with {@code prefix} (a check can then stay silent). */
    public boolean mentions(String prefix) {
        return problems.stream().anyMatch(p -> p.startsWith(prefix));
    }

    public void positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            add(key + "='" + d + "': expected a duration above zero");
        }
    }

    public void notNegative(String key, Duration d) {
        if (d.isNegative()) {
            add(key + "='" + d + "': expected a duration of zero or more");
        }
    }

    /**
     * The shortest interval a {@code @Scheduled(every = ...)} tick can have: Quarkus' scheduler looks
     * for due jobs once a second.
     */
    public static final Duration SCHEDULER_RESOLUTION = Duration.ofSeconds(1);

    /** A scheduler's tick: no shorter than {@link #SCHEDULER_RESOLUTION}. */
    public void tick(String key, Duration d) {
        if (d.compareTo(SCHEDULER_RESOLUTION) < 0) {
            add(key + "='" + d + "': expected 1s or more (the scheduler's resolution)");
        }
    }

    public void atLeast(String key, long value, long min) {
        if (value < min) {
            add(key + "='" + value + "': expected at least " + min);
        }
    }

    /** A share: above 0 and at most 1. */
    public void ratio(String key, double v) {
        if (!(v > 0 && v <= 1)) {
            add(key + "='" + v + "': expected a ratio above 0 and at most 1");
        }
    }

    public void httpUrl(String key, String url) {
        try {
            URI u = new URI(url.trim());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                add(key + "='" + DatabaseUrl.redact(url) + "': expected an http:// or https:// URL with a host");
            }
        } catch (URISyntaxException e) {
            add(key + "='" + DatabaseUrl.redact(url) + "': not a URL (" + e.getReason() + ")");
        }
    }

    /** A role name as the agent splices it, quoted: not empty, no NUL, at most 63 bytes. */
    public void roleName(String key, String name) {
        if (name.isBlank() || name.indexOf('\0') >= 0
                || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            add(key + "='" + name.replace("\0", "\\0") + "': expected a role name (1 to 63 bytes)");
        }
    }

    public void readableFile(String key, String path) {
        if (!Files.isReadable(Path.of(path))) {
            add(key + "='" + path + "': cannot be read");
        }
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<String> list() {
        return List.copyOf(problems);
    }

    /** The one start-up message. */
    public String message() {
        return "pgsidecar cannot start, the configuration is invalid:\n  - " + String.join("\n  - ", problems);
    }
}
