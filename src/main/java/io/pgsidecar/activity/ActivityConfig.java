package io.pgsidecar.activity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What the sessions of this database are doing now: who blocks whom, what every session waits for
 * (sampled into a ring kept in memory), and the actions an on-call DBA takes on a session.
 */
@ConfigMapping(prefix = "pgsidecar.activity")
public interface ActivityConfig {

    /**
     * Sample pg_stat_activity on the leader. One query per sample over this database's sessions
     * that are not idle (no query texts, no join; pg_blocking_pids only for sessions waiting on a
     * lock): a fraction of a millisecond at 200 sessions (docs/benchmarks.md), so it is on by default.
     */
    @WithDefault("true")
    boolean enabled();

    /** How often the leader samples the sessions (1s or more: the scheduler's resolution). */
    @WithDefault("1s")
    Duration sampleInterval();

    /** How long the samples are kept in memory, the longest window the waits can be asked for. */
    @WithDefault("15m")
    Duration history();

    /**
     * How often the leader reads who blocks whom in detail (pg_locks, the sessions' texts and
     * transaction ages), only while a sample has seen a session waiting on a lock, and the
     * database's deadlock count.
     */
    @WithDefault("5s")
    Duration blockingInterval();

    /**
     * Let the admin API's cancel and terminate signal sessions. Off (the default), both answer
     * their dry run only: nobody's session is ever ended unless this is set.
     */
    @WithDefault("false")
    boolean signalSessions();
}
