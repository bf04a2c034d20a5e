package io.pgsidecar.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/**
 * The wall clock the schedulers read (UTC). One bean, so a test can move time for a schedule or a
 * maintenance window instead of waiting for it.
 */
public class Clocks {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
