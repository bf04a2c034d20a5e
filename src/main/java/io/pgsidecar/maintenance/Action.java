package io.pgsidecar.maintenance;

import java.util.function.IntSupplier;

/** How one planned item is carried out; each kind knows the SQL a dry run shows. */
sealed interface Action permits Action.Sql, Action.Vacuum, Action.Batches, Action.Terminate, Action.Prune,
        Action.Check, Action.Report {

    /** The exact statement (or, for batches, the statement each batch runs). */
    String sql();

    /**
     * One statement: ANALYZE, REINDEX INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY.
     *
     * @param relation the table it locks, for naming a lock holder
     * @param rebuilt for a REINDEX, the index ({schema, name}) whose leftovers a failed rebuild leaves
     */
    record Sql(String sql, String relation, String[] rebuilt) implements Action {
        Sql(String sql, String relation) {
            this(sql, relation, null);
        }
    }

    /** A VACUUM with VERBOSE, whose report says how many dead rows could not be removed yet. */
    record Vacuum(String sql, String relation) implements Action {
    }

    /** A DELETE run batch after batch (each its own short transaction) until nothing matches. */
    record Batches(String sql, String relation, String table, String countSql, double cutoffSeconds, int batchSize)
            implements Action {
    }

    /** Ends a session (pg_terminate_backend); audited. */
    record Terminate(String sql, int pid, String applicationName, String why) implements Action {
    }

    /** The agent's own housekeeping, in Java: returns the rows it deleted. */
    record Prune(String sql, IntSupplier run) implements Action {
    }

    /** A check of the agent itself: returns what it found; throws when the check fails. */
    record Check(String sql, java.util.function.Supplier<String> run) implements Action {
    }

    /** Nothing to run: the item is reported (with why), as configured. */
    record Report(String sql) implements Action {
    }
}
