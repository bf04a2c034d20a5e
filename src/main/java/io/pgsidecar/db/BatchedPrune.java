package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Deletes the agent's old history rows (maintenance runs, partition jobs, index builds) batch after
 * batch, each batch its own statement on a connection of its own (so its own transaction), until a
 * batch finds fewer rows than its size. One DELETE of a long backlog holds its row locks and writes
 * its WAL in one transaction and can run into the statement timeout, after which nothing is removed
 * at all; short batches always make progress.
 *
 * <p>The statement is the feature's (in its {@code XxxQueries}): a {@code DELETE ... WHERE id IN
 * (SELECT id ... LIMIT ?)} whose last parameter is the batch size, after the caller's own.
 */
public final class BatchedPrune {

    /** Rows one batch deletes at the most. */
    public static final int BATCH_SIZE = 10_000;
    /** Batches one prune runs at the most; whatever is left goes at the next prune. */
    public static final int MAX_BATCHES = 1_000;

    /** One batch: deletes at most {@code limit} rows and says how many went. */
    @FunctionalInterface
    public interface Batch {
        int delete(int limit);
    }

    private BatchedPrune() {
    }

    /**
     * Runs {@code sql} with {@code params} in batches of {@link #BATCH_SIZE}, each on its own connection
     * of a job ({@link Database#forJob}).
     *
     * @return how many rows went in all
     */
    public static int run(Database database, String sql, Object... params) {
        return run(database, BATCH_SIZE, sql, params);
    }

    static int run(Database database, int batchSize, String sql, Object... params) {
        return run(batchSize, limit -> database.forJob(c -> delete(c, sql, limit, params)));
    }

    /** Runs {@code batch} with {@code limit} until one deletes fewer rows, or {@link #MAX_BATCHES} have run. */
    public static int run(int limit, Batch batch) {
        if (limit < 1) {
            throw new IllegalArgumentException("batch size " + limit + " must be at least 1");
        }
        int total = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            int n = batch.delete(limit);
            total += n;
            if (n < limit) {
                break;
            }
        }
        return total;
    }

    /** One batch on {@code c}: {@code params} bound in order, then {@code limit} as the last parameter. */
    public static int delete(Connection c, String sql, int limit, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.setInt(params.length + 1, limit);
            return ps.executeUpdate();
        }
    }
}
