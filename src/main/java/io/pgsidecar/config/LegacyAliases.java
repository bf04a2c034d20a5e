package io.pgsidecar.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment names earlier deployments used, mapped onto the agent's own keys. This list is
 * the one place they are defined; the README's configuration table mirrors it. Adding an alias for
 * a new feature is one line here.
 */
public final class LegacyAliases {

    /** How the value of an alias is checked and converted. */
    public enum Kind {
        /** A whole number of at least 1. */
        POSITIVE_INT,
        /** A whole number of at least 0. */
        NON_NEGATIVE_INT,
        /** Seconds, decimals allowed ("0.5"), turned into an ISO-8601 duration. */
        SECONDS,
        /** true/false (also 1/0, yes/no, on/off). */
        BOOLEAN,
        /** Passed through unchanged. */
        TEXT,
        /** A JSON list of replicas, expanded into indexed keys by the config source factory. */
        REPLICAS_JSON
    }

    /** One alias: the environment name, the key it sets, and how its value is read. */
    public record Alias(String env, String key, Kind kind) {
    }

    public static final List<Alias> ALL = List.of(
            new Alias("DB_POOL_SIZE", "pgsidecar.db.pool.max-size", Kind.POSITIVE_INT),
            new Alias("DB_POOL_TIMEOUT", "pgsidecar.db.pool.acquisition-timeout", Kind.SECONDS),
            new Alias("DB_POOL_RECYCLE", "pgsidecar.db.pool.max-lifetime", Kind.SECONDS),
            new Alias("DB_POOL_PRE_PING", "pgsidecar.db.pool.validate-on-borrow", Kind.BOOLEAN),
            new Alias("DATABASE_PASSWORD_FILE", "pgsidecar.db.password-file", Kind.TEXT),
            new Alias("DB_MONITORING_ENABLED", "pgsidecar.statements.enabled", Kind.BOOLEAN),
            new Alias("DB_ALERTS_ENABLED", "pgsidecar.alerts.enabled", Kind.BOOLEAN),
            new Alias("DB_MAINTENANCE_ENABLED", "pgsidecar.maintenance.enabled", Kind.BOOLEAN),
            new Alias("PARTITIONING_ENABLED", "pgsidecar.partitions.enabled", Kind.BOOLEAN),
            new Alias("AUTO_CREATE_PARTITIONS", "pgsidecar.partitions.auto-create", Kind.BOOLEAN),
            new Alias("PARTITION_RETENTION_MONTHS", "pgsidecar.partitions.retention-months", Kind.POSITIVE_INT),
            new Alias("PARTITION_STRATEGIES", "pgsidecar.partitions.strategies", Kind.TEXT),
            new Alias("INDEX_CACHE_TTL", "pgsidecar.indexes.cache-ttl", Kind.SECONDS),
            new Alias("SLOW_QUERY_THRESHOLD", "pgsidecar.statements.slow-query-threshold", Kind.SECONDS),
            new Alias("READ_REPLICAS", "pgsidecar.replicas.list", Kind.REPLICAS_JSON),
            new Alias("REPLICA_POOL_SIZE", "pgsidecar.replicas.pool-size", Kind.POSITIVE_INT),
            new Alias("REPLICA_POOL_TIMEOUT", "pgsidecar.replicas.pool-timeout", Kind.SECONDS),
            new Alias("REPLICA_POOL_RECYCLE", "pgsidecar.replicas.pool-recycle", Kind.SECONDS),
            new Alias("REPLICA_HEALTH_CHECK_ENABLED", "pgsidecar.replicas.health-check-enabled", Kind.BOOLEAN),
            new Alias("REPLICA_LOAD_BALANCING", "pgsidecar.replicas.load-balancing", Kind.TEXT));

    private LegacyAliases() {
    }

    /**
     * The keys and values an alias sets: one key for the scalar kinds, the indexed keys of a list
     * for {@link Kind#REPLICAS_JSON}.
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static Map<String, String> expand(Alias alias, String raw) {
        if (alias.kind() == Kind.REPLICAS_JSON) {
            return ReplicasJson.expand(alias.key(), raw);
        }
        return Map.of(alias.key(), convert(alias, raw));
    }

    /**
     * The value as it follows the name in a message ({@code ='value'}). A replica list is not shown
     * at all: it holds URLs, and a list that is not valid JSON cannot be split into them to hide
     * each password.
     */
    public static String shown(Alias alias, String raw) {
        return alias.kind() == Kind.REPLICAS_JSON ? " (" + raw.length() + " characters, not shown)" : "='" + raw + "'";
    }

    /**
     * Converts an alias value to what the target key accepts.
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static String convert(Alias alias, String raw) {
        String v = raw.trim();
        switch (alias.kind()) {
            case POSITIVE_INT, NON_NEGATIVE_INT -> {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number");
                }
                int min = alias.kind() == Kind.POSITIVE_INT ? 1 : 0;
                if (n < min) {
                    throw new IllegalArgumentException("expected a whole number of at least " + min);
                }
                return Integer.toString(n);
            }
            case SECONDS -> {
                BigDecimal s;
                try {
                    s = new BigDecimal(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a number of seconds, such as 5 or 0.5");
                }
                if (s.signum() < 0) {
                    throw new IllegalArgumentException("expected a number of seconds of at least 0");
                }
                return "PT" + s.stripTrailingZeros().toPlainString() + "S";
            }
            case BOOLEAN -> {
                return switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "1", "yes", "on" -> "true";
                    case "false", "0", "no", "off" -> "false";
                    default -> throw new IllegalArgumentException("expected true or false");
                };
            }
            default -> {
                return v;
            }
        }
    }
}
