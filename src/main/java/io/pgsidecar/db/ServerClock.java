package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * How far the database server's clock is ahead of this pod's, measured on a connection. Times one
 * agent writes for another to judge are written on the server's clock ({@code mine + offset}) and
 * read back onto the reader's own ({@code stored - offset}), so two pods whose clocks differ never
 * compare their clocks with each other.
 */
public final class ServerClock {

    private ServerClock() {
    }

    /** The server's {@code clock_timestamp()} minus this pod's clock at the middle of the round trip. */
    public static Duration offset(Connection c) throws SQLException {
        long before = System.currentTimeMillis();
        OffsetDateTime server;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT pg_catalog.clock_timestamp()")) {
            rs.next();
            server = rs.getObject(1, OffsetDateTime.class);
        }
        long after = System.currentTimeMillis();
        Instant mine = Instant.ofEpochMilli(before + (after - before) / 2);
        return Duration.between(mine, server.toInstant());
    }
}
