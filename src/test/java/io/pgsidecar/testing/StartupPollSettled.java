package io.pgsidecar.testing;

import io.pgsidecar.statements.StatementsPoller;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ClientProxy;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import java.time.Duration;
import java.time.Instant;

/**
 * Before each Quarkus test: lets the statements poll that the scheduler fires once right after
 * start-up happen and finish first. Tests that poll by hand (with an interval of an hour) would
 * otherwise race it: landing between a test's workload and its own poll, it takes the interval the
 * test is about to read. The agent used to be held back by its migration until that first tick;
 * now the migration is done sooner, so tests are ready sooner than the tick. Bounded: at most 5 s.
 */
public class StartupPollSettled implements QuarkusTestBeforeEachCallback {

    private static final Duration LIMIT = Duration.ofSeconds(5);
    /** From a trigger's fire to its job entering the poller: a hand-off between threads. */
    private static final Duration HAND_OFF = Duration.ofMillis(300);

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (Arc.container() == null || !Arc.container().instance(Scheduler.class).isAvailable()) {
            return;
        }
        Trigger trigger = Arc.container().instance(Scheduler.class).get().getScheduledJob("statements-poll");
        if (trigger == null) {
            return;
        }
        long deadline = System.nanoTime() + LIMIT.toNanos();
        try {
            while (trigger.getPreviousFireTime() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Instant fired = trigger.getPreviousFireTime();
            if (fired != null) {
                long wait = Duration.between(Instant.now(), fired.plus(HAND_OFF)).toMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Object poller = ClientProxy.unwrap(Arc.container().instance(StatementsPoller.class).get());
        synchronized (poller) { // pollOnce holds this monitor: a poll under way finishes first
            return;
        }
    }
}
