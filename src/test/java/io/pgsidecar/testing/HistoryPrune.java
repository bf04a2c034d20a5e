package io.pgsidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.IntSupplier;

/**
 * The check each history store's prune passes: rows 20, 21 and 22 days old go when the prune keeps
 * 10 days, a row 1 day old stays. The ages are under every default retention (30 days and more), so
 * the agent's own scheduled prunes leave these rows to the one under test.
 */
public final class HistoryPrune {

    /** The {@code instance} of the rows the check writes, so that it removes only its own. */
    public static final String INSTANCE = "prune-test";
    /** Ages in days, for {@code unnest(...) d} in the insert: three past 10 days, one under. */
    public static final String AGES = "unnest(ARRAY[20, 21, 22, 1]) d";

    private HistoryPrune() {
    }

    /**
     * Runs {@code insert} (four rows of {@link #INSTANCE}, aged by {@link #AGES}) in {@code table},
     * then {@code prune} keeping 10 days, and checks what went and what stayed.
     */
    public static void check(Connection c, String table, String insert, IntSupplier prune) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(insert);
            try {
                assertThat(prune.getAsInt()).as("rows past the retention").isEqualTo(3);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE instance = '" + INSTANCE
                        + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the row younger than the retention").isEqualTo(1);
                }
            } finally {
                s.execute("DELETE FROM " + table + " WHERE instance = '" + INSTANCE + "'");
            }
        }
    }
}
