package io.pgsidecar.admin;

import io.pgsidecar.activity.ActivityExceptions;
import io.pgsidecar.audit.AuditUnavailableException;
import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.DatabaseBusyException;
import io.pgsidecar.db.DatabaseUnavailableException;
import io.pgsidecar.db.NoPermissionException;
import io.pgsidecar.indexes.IndexExceptions;
import io.pgsidecar.maintenance.MaintenanceExceptions;
import io.pgsidecar.partitions.PartitionExceptions;
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

    private static final Map<Class<? extends RuntimeException>, Mapping> TABLE = Map.ofEntries(
            Map.entry(ActionExceptions.UnknownTable.class, new Mapping(400, "invalid_parameter")),
            Map.entry(ActionExceptions.BadRequest.class, new Mapping(400, "invalid_parameter")),
            Map.entry(ActionExceptions.Busy.class, new Mapping(409, "already_running")),
            Map.entry(ActionExceptions.Refused.class, new Mapping(422, "refused")),
            Map.entry(MaintenanceExceptions.UnknownTask.class, new Mapping(404, "not_found")),
            Map.entry(MaintenanceExceptions.UnknownRun.class, new Mapping(404, "not_found")),
            Map.entry(MaintenanceExceptions.AlreadyRunning.class, new Mapping(409, "already_running")),
            Map.entry(MaintenanceExceptions.NotRunning.class, new Mapping(409, "not_running")),
            Map.entry(PartitionExceptions.NotManageable.class, new Mapping(422, "not_partitioned")),
            Map.entry(PartitionExceptions.Overlap.class, new Mapping(409, "partition_overlap")),
            Map.entry(PartitionExceptions.ManagedByPartman.class, new Mapping(409, "managed_by_pg_partman")),
            Map.entry(IndexExceptions.NotFound.class, new Mapping(404, "not_found")),
            Map.entry(IndexExceptions.NameTaken.class, new Mapping(409, "index_exists")),
            Map.entry(IndexExceptions.BuildFailed.class, new Mapping(422, "build_failed")),
            Map.entry(DatabaseUnavailableException.class, new Mapping(503, "database_unavailable")),
            Map.entry(DatabaseBusyException.LockTimeout.class, new Mapping(409, "lock_timeout")),
            Map.entry(DatabaseBusyException.StatementTimeout.class, new Mapping(503, "statement_timeout")),
            Map.entry(NoPermissionException.class, new Mapping(403, "no_permission")),
            Map.entry(AuditUnavailableException.class, new Mapping(503, "audit_unavailable")),
            Map.entry(UnknownQueryException.class, new Mapping(404, "not_found")),
            Map.entry(NotExplainableException.class, new Mapping(422, "not_explainable")),
            Map.entry(PgStatStatementsMissingException.class, new Mapping(422, "not_installed")),
            Map.entry(UnknownReplicaException.class, new Mapping(404, "not_found")),
            Map.entry(ActivityExceptions.UnknownSession.class, new Mapping(404, "not_found")),
            Map.entry(ActivityExceptions.SessionChanged.class, new Mapping(409, "session_changed")),
            Map.entry(UnknownStrategyException.class, new Mapping(400, "invalid_parameter")),
            Map.entry(NoReplicaAvailableException.class, new Mapping(503, "no_replica_available")));

    private ErrorTable() {
    }

    /** Every mapping, for the test that finds each code in the API's document. */
    static java.util.Collection<Mapping> all() {
        return TABLE.values();
    }

    /** What a client acts on besides the code: the run that holds a task, for {@code already_running}. */
    static Map<String, Object> details(Throwable e) {
        if (e instanceof MaintenanceExceptions.AlreadyRunning a && a.runId() != null) {
            return Map.of("run_id", a.runId());
        }
        if (e instanceof IndexExceptions.BuildFailed b) {
            return Map.of("build_id", b.buildId());
        }
        if (e instanceof NoPermissionException p) {
            return Map.of("lacking", p.lacking().stream().map(l -> Map.of("right", l.right(), "role", l.role(),
                    "grant", l.grant())).toList());
        }
        return Map.of();
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
