package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one transaction block: what stays after it, what the session is left in, and what a failure does. */
class TransactionsIT {

    private static PgCluster pg;
    private static String db;

    @BeforeAll
    static void database() throws SQLException {
        pg = PgFixture.shared();
        db = PgFixture.freshDatabase("transactions");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v text)");
        }
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("TRUNCATE t");
        }
    }

    @Test
    void committedWorkStaysAndAutocommitIsBack() throws Exception {
        try (Connection c = pg.connect(db)) {
            String r = Transactions.committed(c, () -> {
                assertThat(c.getAutoCommit()).as("inside: a transaction").isFalse();
                insert(c, "a");
                return "done";
            });
            assertThat(r).isEqualTo("done");
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(rows()).containsExactly("a");
        }
    }

    @Test
    void rolledBackWorkLeavesNothingEvenWhenItSucceeds() throws Exception {
        try (Connection c = pg.connect(db)) {
            long seen = Transactions.rolledBack(c, () -> {
                insert(c, "a");
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL statement_timeout = 1234");
                }
                return count(c);
            });
            assertThat(seen).as("the work saw its own row").isEqualTo(1);
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(rows()).isEmpty();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).as("SET LOCAL ended with it").isNotEqualTo("1234ms");
            }
        }
    }

    @Test
    void aFailureRollsBackFirstAnErrorToo() throws Exception {
        try (Connection c = pg.connect(db)) {
            assertThatThrownBy(() -> Transactions.committed(c, () -> {
                insert(c, "a");
                throw new SQLException("boom", "XX000");
            })).hasMessage("boom");
            assertThat(c.getAutoCommit()).isTrue();
            assertThatThrownBy(() -> Transactions.committed(c, () -> {
                insert(c, "b");
                throw new AssertionError("an Error");
            })).isInstanceOf(AssertionError.class);
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(rows()).as("switching autocommit on did not commit half the work").isEmpty();
        }
    }

    @Test
    void whenTheRollbackFailsTheSessionIsClosedAndTheWorksFailureThrown() throws Exception {
        try (Connection c = pg.connect(db); Connection killer = pg.connect(db)) {
            assertThatThrownBy(() -> Transactions.committed(c, () -> {
                insert(c, "a");
                try (Statement s = killer.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(" + pid(c) + ")");
                }
                insert(c, "b");
                return null;
            })).isInstanceOf(SQLException.class).satisfies(e -> assertThat(c.isClosed()).isTrue());
            assertThat(rows()).isEmpty();
        }
    }

    @Test
    void inTheCallersTransactionTheWorkRunsUnderASavepointAndLeavesItOpen() throws Exception {
        try (Connection c = pg.connect(db)) {
            c.setAutoCommit(false);
            insert(c, "caller");
            Transactions.committed(c, () -> insert(c, "kept"));
            Transactions.rolledBack(c, () -> insert(c, "read only"));
            assertThatThrownBy(() -> Transactions.committed(c, () -> {
                insert(c, "failed");
                throw new SQLException("boom", "XX000");
            })).hasMessage("boom");
            assertThat(c.getAutoCommit()).as("still the caller's transaction").isFalse();
            assertThat(rows()).as("nothing committed yet").isEmpty();
            c.commit();
            assertThat(rows()).containsExactlyInAnyOrder("caller", "kept");
        }
    }

    private static Void insert(Connection c, String v) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES ('" + v + "')");
        }
        return null;
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static java.util.List<String> rows() throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM t")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
