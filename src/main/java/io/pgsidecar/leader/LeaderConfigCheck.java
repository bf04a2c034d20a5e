package io.pgsidecar.leader;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The leader lease. */
@Singleton
public class LeaderConfigCheck implements ConfigCheck {

    private final LeaderConfig leader;

    public LeaderConfigCheck(LeaderConfig leader) {
        this.leader = leader;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.positive("pgsidecar.leader.lease", leader.lease());
    }
}
