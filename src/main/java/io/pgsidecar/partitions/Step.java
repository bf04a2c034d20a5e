package io.pgsidecar.partitions;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * One thing the agent does to a partition set: make a partition, or detach (and drop or archive)
 * one. A dry run answers the steps with their exact SQL; a real run carries out those statements.
 *
 * @param undo what a real run executes when a statement after CREATE fails (drops the half-made
 *             partition), or null
 */
public record Step(String action, String target, String why, List<Sql> statements, String undo) {

    /** What a statement is, for how it runs: which ones retry on a busy lock, what undoes a half-made partition. */
    public enum Kind {
        /** Counts rows of the default partition inside the new range: any, and the partition is not attached. */
        CHECK_DEFAULT,
        /** CREATE TABLE ... (LIKE parent): undone by DROP TABLE if a later statement fails. */
        CREATE,
        /** Any other DDL, retried on a busy lock. */
        DDL,
        /** ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY: on a lock timeout it may be left pending. */
        DETACH_CONCURRENTLY
    }

    public record Sql(Kind kind, String text, String relation) {
    }

    List<String> sql() {
        return statements.stream().map(Sql::text).toList();
    }

    /** A step as the API shows it, with how it went. */
    @RegisterForReflection
    public record Outcome(String action, String target, String why, List<String> sql, String outcome, String reason,
                          Long durationMs) {
    }

    Outcome planned() {
        return new Outcome(action, target, why, sql(), "planned", null, null);
    }
}
