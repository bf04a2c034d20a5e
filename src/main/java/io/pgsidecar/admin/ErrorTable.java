package io.pgsidecar.admin;

import io.pgsidecar.audit.AuditUnavailableException;
import io.pgsidecar.db.DatabaseUnavailableException;
import io.pgsidecar.replicas.NoReplicaAvailableException;
import io.pgsidecar.replicas.UnknownReplicaException;
import io.pgsidecar.replicas.UnknownStrategyException;
import io.pgsidecar.statements.NotExplainableException;
import io.pgsidecar.statements.PgStatStatementsMissingException;
import io.pgsidecar.statements.UnknownQueryException;
import java.util.Map;
import java.util.Optional;

/**
 * The one table from the exceptions features throw to what a client of the admin API gets: the
 * HTTP status and the error code of the envelope (the message is the exception's own). Features
 * know nothing of HTTP; a new feature adds its exceptions here.
 */
final class ErrorTable {

    /** The status and code one exception class maps to. */
    record Mapping(int status, String code) {
    }

    private static final Map<Class<? extends RuntimeException>, Mapping> TABLE = Map.of(
            DatabaseUnavailableException.class, new Mapping(503, "database_unavailable"),
            AuditUnavailableException.class, new Mapping(503, "audit_unavailable"),
            UnknownQueryException.class, new Mapping(404, "not_found"),
            NotExplainableException.class, new Mapping(422, "not_explainable"),
            PgStatStatementsMissingException.class, new Mapping(422, "not_installed"),
            UnknownReplicaException.class, new Mapping(404, "not_found"),
            UnknownStrategyException.class, new Mapping(400, "invalid_parameter"),
            NoReplicaAvailableException.class, new Mapping(503, "no_replica_available"));

    private ErrorTable() {
    }

    /** The mapping of {@code e}'s class or its nearest mapped superclass. */
    static Optional<Mapping> of(Throwable e) {
        for (Class<?> c = e.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Mapping m = TABLE.get(c);
            if (m != null) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
