package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {

    private static final DatabaseFailures.Target TARGET = new DatabaseFailures.Target("db", 5432, "app", "agent");

    @Test
    void theDriversLoginTimeoutIsNoAnswerLikeTheSocketsTimeout() {
        // a server that accepts and never answers ends in one of the two, whichever fires first
        SQLException login = new SQLException("Connection attempt timed out.", "08001");
        SQLException socket = new SQLException("The connection attempt failed.", "08001", new SocketTimeoutException("connect timed out"));
        assertThat(DatabaseFailures.describe(login, TARGET)).startsWith("no answer from db:5432");
        assertThat(DatabaseFailures.describe(socket, TARGET)).startsWith("no answer from db:5432");
        assertThat(DatabaseFailures.isUnavailable(login)).isTrue();
    }

    @Test
    void otherConnectionFailuresKeepTheServersWords() {
        SQLException other = new SQLException("The connection attempt failed.", "08001");
        assertThat(DatabaseFailures.describe(other, TARGET)).isEqualTo("The connection attempt failed. (SQLSTATE 08001)");
    }

    @Test
    void timeoutsAreBusyNotUnavailable() {
        SQLException lock = new SQLException("canceling statement due to lock timeout", "55P03");
        SQLException statement = new SQLException("canceling statement due to statement timeout", "57014");
        assertThat(DatabaseFailures.isUnavailable(lock)).isFalse();
        assertThat(DatabaseFailures.isUnavailable(statement)).isFalse();
        assertThat(DatabaseFailures.busy(lock)).isEqualTo("55P03");
        assertThat(DatabaseFailures.busy(new RuntimeException(statement))).isEqualTo("57014");
        assertThat(DatabaseFailures.busy(new SQLException("x", "08006"))).isNull();
    }
}
