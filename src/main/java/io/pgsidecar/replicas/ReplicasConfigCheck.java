package io.pgsidecar.replicas;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.config.DatabaseUrl;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Set;

/** The replica list (READ_REPLICAS), routing and the health thresholds. */
@Singleton
public class ReplicasConfigCheck implements ConfigCheck {

    private final ReplicasConfig replicas;

    public ReplicasConfigCheck(ReplicasConfig replicas) {
        this.replicas = replicas;
    }

    @Override
    public void check(ConfigProblems problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < replicas.list().size(); i++) {
            ReplicasConfig.Replica rep = replicas.list().get(i);
            String key = "pgsidecar.replicas.list[" + i + "] (READ_REPLICAS entry " + i + ")";
            if (!names.add(rep.name())) {
                problems.add(key + " name='" + rep.name() + "': duplicate replica name");
            }
            if (!rep.name().matches("[A-Za-z0-9_.-]{1,63}")) {
                problems.add(key + " name='" + rep.name() + "': expected letters, digits, '.', '_' or '-'");
            }
            try {
                DatabaseUrl.parse(rep.url());
            } catch (IllegalArgumentException e) {
                problems.add(key + " url='" + DatabaseUrl.redact(rep.url()) + "': " + e.getMessage());
            }
            rep.passwordFile().ifPresent(f -> problems.readableFile(key + " password_file", f));
            if (rep.weight() <= 0) {
                problems.add(key + " weight='" + rep.weight() + "': expected a whole number above 0");
            }
            if (!(rep.maxLagSeconds() > 0)) {
                problems.add(key + " max_lag_seconds='" + rep.maxLagSeconds() + "': expected a number above 0");
            }
            if (rep.maxLagBytes().isPresent() && rep.maxLagBytes().getAsLong() <= 0) {
                problems.add(key + " max_lag_bytes='" + rep.maxLagBytes().getAsLong() + "': expected above 0");
            }
        }
        if (Router.Strategy.parse(replicas.loadBalancing()).isEmpty()) {
            problems.add("pgsidecar.replicas.load-balancing (REPLICA_LOAD_BALANCING)='" + replicas.loadBalancing()
                    + "': expected round_robin, weighted_random or least_connections");
        }
        if (!replicas.fallback().equals("primary") && !replicas.fallback().equals("unavailable")) {
            problems.add("pgsidecar.replicas.fallback='" + replicas.fallback() + "': expected primary or unavailable");
        }
        problems.atLeast("pgsidecar.replicas.pool-size (REPLICA_POOL_SIZE)", replicas.poolSize(), 1);
        problems.atLeast("pgsidecar.replicas.failure-threshold", replicas.failureThreshold(), 1);
        problems.atLeast("pgsidecar.replicas.recovery-threshold", replicas.recoveryThreshold(), 1);
        problems.atLeast("pgsidecar.replicas.replay-stall-polls", replicas.replayStallPolls(), 1);
        problems.positive("pgsidecar.replicas.interval", replicas.interval());
        problems.positive("pgsidecar.replicas.pool-timeout (REPLICA_POOL_TIMEOUT)", replicas.poolTimeout());
        problems.positive("pgsidecar.replicas.pool-recycle (REPLICA_POOL_RECYCLE)", replicas.poolRecycle());
        problems.positive("pgsidecar.replicas.statement-timeout", replicas.statementTimeout());
    }
}
