package io.pgsidecar.db;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The rights the agent acts with (VACUUM, ANALYZE, REINDEX, partition and index DDL, ending
 * sessions, resetting statistics), held only by the sessions that act: the maintenance runs, the
 * partition jobs, the index builds and the short sessions that signal a backend. The pool that
 * serves reads, the leader and the planning sessions use the observing login of
 * {@code DATABASE_URL} and never hold them.
 *
 * <p>Either a second login ({@link #databaseUrl()}, the recommended form: the observing login is then
 * no member of anything that acts) or {@link #role()}, a role the observing login switches to on the
 * acting sessions alone ({@code SET ROLE}); with neither, the agent acts with its observing login,
 * as agents before 0.2 did.
 */
@ConfigMapping(prefix = "pgsidecar.acting")
public interface ActingConfig {

    /**
     * The acting login, as {@code postgresql://user:password@host:port/db} (env
     * {@code PGSIDECAR_ACTING_DATABASE_URL}); the same database as {@code DATABASE_URL}. Empty: no
     * second login.
     */
    Optional<String> databaseUrl();

    /** File holding the acting login's password (a mounted Secret), read once at start-up. */
    Optional<String> passwordFile();

    /**
     * A role the acting sessions switch to with {@code SET ROLE} (the observing login must be a member
     * of it). A weaker form than a second login: the observing login can then become the acting role,
     * so statement texts are planned only after the screen (README, "Roles and rights").
     */
    Optional<String> role();
}
