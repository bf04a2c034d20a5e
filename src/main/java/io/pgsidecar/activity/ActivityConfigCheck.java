package io.pgsidecar.activity;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The sampler's interval and history, and the blocking read's interval. */
@Singleton
public class ActivityConfigCheck implements ConfigCheck {

    /** Most samples the ring may hold: a day at one a second. */
    static final long MAX_SAMPLES = 86_400;

    private final ActivityConfig activity;

    public ActivityConfigCheck(ActivityConfig activity) {
        this.activity = activity;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.tick("pgsidecar.activity.sample-interval", activity.sampleInterval());
        problems.tick("pgsidecar.activity.blocking-interval", activity.blockingInterval());
        Duration history = activity.history();
        if (history.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("pgsidecar.activity.history='" + history + "': expected 1m or more");
        } else if (!activity.sampleInterval().isZero() && !activity.sampleInterval().isNegative()
                && history.toMillis() / Math.max(1, activity.sampleInterval().toMillis()) > MAX_SAMPLES) {
            problems.add("pgsidecar.activity.history='" + history + "': expected at most " + MAX_SAMPLES
                    + " samples (history / pgsidecar.activity.sample-interval)");
        }
    }
}
