package io.pgsidecar.replicas;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Read replicas: their lag and health, and which one to read from. The list comes from
 * {@code READ_REPLICAS} (a JSON list) or the indexed keys {@code pgsidecar.replicas.list[0].name}, ...
 */
@ConfigMapping(prefix = "pgsidecar.replicas")
public interface ReplicasConfig {

    /** The configured replicas (env READ_REPLICAS, a JSON list of {name, url, weight, max_lag_seconds, max_lag_bytes}). */
    List<Replica> list();

    /** Poll replica health (env REPLICA_HEALTH_CHECK_ENABLED). Without it every replica counts as healthy. */
    @WithDefault("true")
    boolean healthCheckEnabled();

    /** How often replicas and the primary's standby view are polled. */
    @WithDefault("5s")
    Duration interval();

    /** Connections per replica pool (env REPLICA_POOL_SIZE). */
    @WithDefault("2")
    int poolSize();

    /** Connect and acquisition timeout of a replica pool (env REPLICA_POOL_TIMEOUT, seconds). */
    @WithDefault("5s")
    Duration poolTimeout();

    /** Replica connections older than this are replaced (env REPLICA_POOL_RECYCLE, seconds). */
    @WithDefault("30m")
    Duration poolRecycle();

    /** statement_timeout of the agent's sessions on replicas. */
    @WithDefault("3s")
    Duration statementTimeout();

    /** Strategy for read routing: round_robin, weighted_random or least_connections (env REPLICA_LOAD_BALANCING). */
    @WithDefault("weighted_random")
    String loadBalancing();

    /** Consecutive bad polls before a healthy replica is declared unhealthy. */
    @WithDefault("3")
    int failureThreshold();

    /** Consecutive good polls before an unhealthy replica is healthy again. */
    @WithDefault("2")
    int recoveryThreshold();

    /** Polls with receive advancing and replay not, after which replay counts as stalled. */
    @WithDefault("3")
    int replayStallPolls();

    /** With no healthy replica, routing answers with the primary ({@code primary}) or 503 ({@code unavailable}). */
    @WithDefault("primary")
    String fallback();

    /** One read replica. */
    interface Replica {
        /** Unique name, used in the API and as the {@code replica} metric label. */
        String name();

        /** {@code postgresql://user:password@host:port/db}. */
        String url();

        /** Share of weighted-random reads. */
        @WithDefault("1")
        int weight();

        /** Time lag above which the replica is unhealthy. */
        @WithDefault("30")
        double maxLagSeconds();

        /** Byte lag above which the replica is unhealthy (unset: no byte limit). */
        OptionalLong maxLagBytes();

        /** File holding the password (a mounted Secret), used when the URL has none. */
        Optional<String> passwordFile();
    }
}
