package io.pgsidecar.config;

/**
 * A feature's check of its own configuration, run once before anything is scheduled. Each feature
 * package holds one bean implementing this next to its {@code @ConfigMapping}; {@link ConfigValidator}
 * finds them all, so adding a feature never touches this package.
 */
public interface ConfigCheck {

    /** Adds a line to {@code problems} for every bad value, naming the key and the value. */
    void check(ConfigProblems problems);
}
