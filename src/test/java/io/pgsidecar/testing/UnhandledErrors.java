package io.pgsidecar.testing;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects, while open, the log records of exceptions nobody handled (a Vert.x timer or event loop
 * reporting them, an uncaught exception on some thread), so a test can assert there were none.
 */
public final class UnhandledErrors extends Handler implements AutoCloseable {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();

    private UnhandledErrors() {
    }

    public static UnhandledErrors watch() {
        UnhandledErrors h = new UnhandledErrors();
        Logger.getLogger("").addHandler(h);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            h.seen.add("uncaught on " + t.getName() + ": " + e);
            if (h.previous != null) {
                h.previous.uncaughtException(t, e);
            }
        });
        return h;
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() < Level.WARNING.intValue() && r.getThrown() == null) {
            return;
        }
        String text = r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown());
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("unhandled exception") || lower.contains("uncaught exception")
                || text.contains("Result is already complete")) {
            seen.add(text);
        }
    }

    public List<String> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }
}
