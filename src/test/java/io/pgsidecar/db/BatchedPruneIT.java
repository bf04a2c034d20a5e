package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Batched pruning against a real PostgreSQL: each batch deletes at most its size, in a transaction of
 * its own (a trigger records the transaction of every deleted row), and only the rows the statement
 * selects go.
 */
@QuarkusTest
@WithTestResource(PgTestResource.class) // shared with the classes of DefaultAppSuiteIT
class BatchedPruneIT {

    static final String PRUNE = """
            /* pgsidecar */
            DELETE FROM prune_probe
             WHERE id IN (SELECT id FROM prune_probe WHERE at < ? LIMIT ?)
            """;

    @Inject
    Database database;

    @Inject
    AgroalDataSource pool;

    @Test
    void aBacklogGoesInBatchesEachItsOwnTransactionAndNewRowsStay() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS prune_probe, prune_log");
            s.execute("CREATE TABLE prune_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL)");
            s.execute("CREATE TABLE prune_log (xid bigint NOT NULL)");
            s.execute("""
                    CREATE OR REPLACE FUNCTION prune_logged() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN INSERT INTO prune_log VALUES (txid_current()); RETURN OLD; END $$""");
            s.execute("CREATE TRIGGER prune_logged AFTER DELETE ON prune_probe FOR EACH ROW EXECUTE FUNCTION prune_logged()");
            s.execute("INSERT INTO prune_probe (at) SELECT now() - interval '40 days' FROM generate_series(1, 25)");
            s.execute("INSERT INTO prune_probe (at) SELECT now() - interval '1 day' FROM generate_series(1, 4)");
        }
        Timestamp cutoff = Timestamp.from(Instant.now().minus(Duration.ofDays(30)));

        assertThat(BatchedPrune.run(database, 10, PRUNE, cutoff)).isEqualTo(25);

        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE at < now() - interval '30 days') "
                    + "FROM prune_probe")) {
                rs.next();
                assertThat(rs.getInt(1)).as("rows left").isEqualTo(4);
                assertThat(rs.getInt(2)).as("old rows left").isZero();
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM prune_log GROUP BY xid ORDER BY 1 DESC")) {
                java.util.List<Integer> perTransaction = new java.util.ArrayList<>();
                while (rs.next()) {
                    perTransaction.add(rs.getInt(1));
                }
                assertThat(perTransaction).as("rows deleted per transaction").containsExactly(10, 10, 5);
            }
            // nothing old is left: one more prune finds nothing, in one empty batch
            assertThat(BatchedPrune.run(database, 10, PRUNE, cutoff)).isZero();
            s.execute("DROP TABLE prune_probe, prune_log");
            s.execute("DROP FUNCTION prune_logged()");
        }
    }
}
