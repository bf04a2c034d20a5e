package io.pgsidecar.capacity;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The capacity reads' intervals, window and list length. */
@Singleton
public class CapacityConfigCheck implements ConfigCheck {

    private final CapacityConfig capacity;

    public CapacityConfigCheck(CapacityConfig capacity) {
        this.capacity = capacity;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.tick("pgsidecar.capacity.interval", capacity.interval());
        problems.tick("pgsidecar.capacity.size-interval", capacity.sizeInterval());
        if (capacity.rateWindow().compareTo(capacity.interval()) < 0) {
            problems.add("pgsidecar.capacity.rate-window='" + capacity.rateWindow() + "': expected at least "
                    + "pgsidecar.capacity.interval (" + capacity.interval() + ")");
        }
        if (capacity.topTables() < 1 || capacity.topTables() > 100) {
            problems.add("pgsidecar.capacity.top-tables='" + capacity.topTables() + "': expected 1 to 100");
        }
    }
}
