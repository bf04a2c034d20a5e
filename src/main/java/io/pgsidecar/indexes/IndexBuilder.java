package io.pgsidecar.indexes;

import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.AdvisoryLockKeys;
import io.pgsidecar.db.LockHolders;
import io.pgsidecar.db.LockRetry;
import io.pgsidecar.db.Need;
import io.pgsidecar.db.NoPermissionException;
import io.pgsidecar.db.Rights;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Builds an index the safe way: on its own session outside the pool, under a per-table advisory
 * lock (two builds never race, across agents too), with {@code lock_timeout} on every statement
 * and its own statement timeout; always {@code CREATE INDEX CONCURRENTLY}; success only when
 * {@code pg_index.indisvalid} says so, and an invalid leftover dropped. A partitioned table gets
 * its index {@code ON ONLY} the parent, one concurrent build per partition, each attached.
 */
@ApplicationScoped
public class IndexBuilder {

    static final String APPLICATION_NAME = "pgsidecar-indexes";
    private static final Logger LOG = Logger.getLogger(IndexBuilder.class);
    private static final int DROP_ATTEMPTS = 3;

    /** A build checked against the catalog, with the statements it will run, its session and lock held. */
    static final class Prepared implements AutoCloseable {
        final String schema;
        final String table;
        final String name;
        final IndexDefinition definition;
        final List<String> statements;
        final List<String[]> partitions; // schema, table, index name
        final String exists; // an index equal to the request is there already: nothing to build
        ActingSession acting;

        Prepared(String schema, String table, String name, IndexDefinition definition, List<String> statements,
                 List<String[]> partitions, String exists) {
            this.schema = schema;
            this.table = table;
            this.name = name;
            this.definition = definition;
            this.statements = statements;
            this.partitions = partitions;
            this.exists = exists;
        }

        String qualifiedTable() {
            return Identifiers.quote(schema) + "." + Identifiers.quote(table);
        }

        String qualifiedIndex() {
            return Identifiers.quote(schema) + "." + Identifiers.quote(name);
        }

        @Override
        public void close() {
            if (acting != null) {
                acting.close(); // the advisory lock goes with it
                acting = null;
            }
        }
    }

    /** How a build ended. */
    record Outcome(String state, String message) {
    }

    private final IndexesConfig config;
    private final ActingSessions acting;
    private final Rights rights;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pgsidecar-index-build");
        t.setDaemon(true);
        return t;
    });

    private final io.pgsidecar.db.Database database;

    public IndexBuilder(IndexesConfig config, ActingSessions acting, Rights rights, io.pgsidecar.db.Database database) {
        this.database = database;
        this.config = config;
        this.acting = acting;
        this.rights = rights;
    }

    void stop(@Observes ShutdownEvent e) {
        worker.shutdownNow();
    }

    /**
     * Whether a build runs or waits on this agent. Builds run one at a time and a create is refused
     * meanwhile, so the agent never holds more than one session outside its pool for builds.
     */
    boolean busy() {
        return pending.get() > 0;
    }

    /**
     * Opens the build's session and checks the request against the catalog: the table and every
     * column exist, the server may build concurrently, the name is free (or already this index).
     * With {@code lock}, takes the table's build lock (Busy when another build holds it).
     */
    Prepared prepare(IndexDefinition d, String defaultSchema, boolean lock) throws SQLException {
        ActingSession session = acting.session(APPLICATION_NAME, config.statementTimeout(), config.lockTimeout(),
                config.buildTimeout());
        Connection c = session.connection();
        try {
            int version = session.version();
            if (session.standby()) {
                throw new ActionExceptions.Refused("this server is a standby: indexes are built on the primary");
            }
            if (version >= 140000 && version < 140004) {
                throw new ActionExceptions.Refused("PostgreSQL " + version + ": concurrent index builds on 14.0-14.3 "
                        + "can corrupt indexes (fixed in 14.4); upgrade first");
            }
            String schema = d.schema() != null ? d.schema() : resolveSchema(c, d.table(), defaultSchema);
            Map<String, String> columns = new HashMap<>();
            String kind = null;
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.COLUMNS)) {
                ps.setString(1, schema);
                ps.setString(2, d.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        kind = rs.getString(1);
                        if (rs.getString(2) != null) {
                            columns.put(rs.getString(2), rs.getString(3));
                        }
                    }
                }
            }
            String qualified = schema + "." + d.table();
            if (kind == null) {
                throw new ActionExceptions.UnknownTable("table " + qualified + " does not exist");
            }
            if (!List.of("r", "m", "p").contains(kind)) {
                throw new ActionExceptions.BadRequest(qualified + " is not a table (relkind " + kind + ")");
            }
            // CREATE INDEX needs the table's owner (MAINTAIN does not give it): 403 before anything is tried
            List<Rights.Lack> lacks = rights.lacking(c, List.of(Need.on(Need.Kind.OWN, schema, d.table())));
            if (!lacks.isEmpty()) {
                throw new NoPermissionException("building an index on " + qualified, lacks);
            }
            List<String> named = new ArrayList<>(d.columns());
            named.addAll(d.include());
            if (d.where() != null) {
                named.addAll(d.where().columns());
            }
            for (String col : named) {
                if (!columns.containsKey(col)) {
                    throw new ActionExceptions.UnknownTable("column " + col + " does not exist in " + qualified);
                }
            }
            String shape = d.toSql(schema, d.table(), "x", false);
            String equal = equalIndex(c, schema, d.table(), shape);
            String name = d.name();
            if (name == null) {
                name = freeName(c, schema, IndexDefinition.defaultName(d.table(), d.columns()));
            } else {
                Optional<String[]> byName = byName(c, schema, name);
                if (byName.isPresent()) {
                    if (equal == null || !equal.equals(name)) {
                        throw new IndexExceptions.NameTaken("a relation named " + schema + "." + name + " exists already "
                                + ("true".equals(byName.get()[0]) ? "with another definition" : "(an invalid index)")
                                + "; give another name or drop it first");
                    }
                }
            }
            List<String> statements = new ArrayList<>();
            List<String[]> partitions = new ArrayList<>();
            if ("p".equals(kind)) {
                statements.add(d.toSqlOnOnly(schema, d.table(), name));
                for (String[] p : partitions(c, schema, d.table())) {
                    if (!"r".equals(p[2]) && !"m".equals(p[2])) {
                        throw new ActionExceptions.BadRequest("partition " + p[0] + "." + p[1] + " is "
                                + ("p".equals(p[2]) ? "itself partitioned" : "not a plain table (relkind " + p[2] + ")")
                                + ": build its indexes one level at a time");
                    }
                    String pname = freeName(c, p[0], IndexDefinition.defaultName(p[1], d.columns()));
                    partitions.add(new String[] {p[0], p[1], pname});
                    statements.add(d.toSql(p[0], p[1], pname, true));
                    statements.add("ALTER INDEX " + Identifiers.quote(schema) + "." + Identifiers.quote(name)
                            + " ATTACH PARTITION " + Identifiers.quote(p[0]) + "." + Identifiers.quote(pname));
                }
            } else {
                statements.add(d.toSql(schema, d.table(), name, true));
            }
            Prepared p = new Prepared(schema, d.table(), name, d, statements, partitions, equal);
            p.acting = session;
            if (lock && equal == null && !session.tryLock(AdvisoryLockKeys.INDEXES, qualified)) {
                throw new ActionExceptions.Busy("another index build works on " + qualified
                        + " (this agent or another): try again when it has ended");
            }
            return p;
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Runs the prepared build on the worker; the session is closed (and the lock released) when it ends. */
    Future<Outcome> submit(Prepared p, java.util.function.Consumer<Integer> started,
                           java.util.function.Consumer<Outcome> ended) {
        pending.incrementAndGet();
        try {
            return worker.submit(() -> {
                try {
                    Outcome o;
                    try {
                        started.accept(p.acting.pid());
                        o = run(p);
                    } catch (RuntimeException e) {
                        p.close();
                        o = new Outcome("failed", e.getMessage());
                    }
                    try {
                        ended.accept(o);
                    } catch (RuntimeException e) {
                        LOG.warnf("index build %s ended %s but could not be recorded: %s", p.name, o.state(),
                                e.getMessage());
                    }
                    return o;
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            p.close();
            throw e;
        }
    }

    /** Runs the prepared build on the calling thread and closes its session. */
    Outcome run(Prepared p) {
        try {
            return build(p);
        } catch (RuntimeException e) {
            return new Outcome("failed", e.getMessage());
        } finally {
            p.close();
        }
    }

    /** Queues work on the build worker (the recommended indexes, one at a time). */
    Future<?> queue(Runnable work) {
        pending.incrementAndGet();
        try {
            return worker.submit(() -> {
                try {
                    work.run();
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            throw e;
        }
    }

    private Outcome build(Prepared p) {
        Connection c = p.acting.connection();
        List<String> made = new ArrayList<>();
        try {
            p.acting.statementTimeout(config.buildTimeout());
            create(c, p.statements.get(0), p.qualifiedIndex(), made);
            if (!p.partitions.isEmpty()) {
                int k = 1;
                for (String[] part : p.partitions) {
                    String partIndex = Identifiers.quote(part[0]) + "." + Identifiers.quote(part[2]);
                    create(c, p.statements.get(k++), partIndex, made);
                    if (!valid(c, partIndex)) {
                        return failed(c, p, made, "the index on partition " + part[0] + "." + part[1]
                                + " was built but is not valid");
                    }
                    execute(c, p.statements.get(k++));
                }
            }
            if (!valid(c, p.qualifiedIndex())) {
                return failed(c, p, made, "the build ended but pg_index.indisvalid is false");
            }
            LOG.infof("index %s on %s built concurrently and valid", p.qualifiedIndex(), p.qualifiedTable());
            return new Outcome("valid", "built concurrently; pg_index.indisvalid is true");
        } catch (SQLException e) {
            String why = e.getMessage();
            if (LockRetry.lockNotAvailable(e)) {
                why += " (lock_timeout " + config.lockTimeout().toMillis() + " ms; "
                        + LockHolders.describe(database, p.qualifiedTable(), p.acting.pid()) + ")";
            }
            return failed(c, p, made, why);
        }
    }

    private Outcome failed(Connection c, Prepared p, List<String> made, String why) {
        String cleanup = dropLeftovers(p, made);
        LOG.warnf("index build %s on %s failed: %s; %s", p.qualifiedIndex(), p.qualifiedTable(), why, cleanup);
        return new Outcome("failed", why + "; " + cleanup);
    }

    /**
     * Drops what the failed build left: the partitioned parent (with what is attached), then each
     * leftover, each drop retried a few times when its lock is busy ({@link LockRetry}, the pause
     * starting at one lock_timeout).
     */
    private String dropLeftovers(Prepared p, List<String> made) {
        List<String> dropped = new ArrayList<>();
        List<String> left = new ArrayList<>();
        LockRetry retry = new LockRetry(DROP_ATTEMPTS, config.lockTimeout(), config.lockTimeout());
        for (int i = 0; i < made.size(); i++) {
            String index = made.get(i);
            boolean parent = i == 0 && !p.partitions.isEmpty();
            String sql = parent ? "DROP INDEX IF EXISTS " + index : "DROP INDEX CONCURRENTLY IF EXISTS " + index;
            boolean ok = false;
            try {
                p.acting.statementTimeout(config.statementTimeout());
                retry.run(() -> {
                    p.acting.execute("/* pgsidecar */ " + sql);
                    return null;
                }, index, () -> LockHolders.describe(database, p.qualifiedTable(), p.acting.pid()));
                ok = true;
            } catch (LockRetry.Blocked e) {
                LOG.warnf("index build %s: leftover %s not dropped: %s", p.qualifiedIndex(), index, e.getMessage());
            } catch (InterruptedException e) {
                // the agent stops: the remaining drops get one attempt each (a pause now ends at once)
                Thread.currentThread().interrupt();
            } catch (SQLException e) {
                // not a busy lock: the answer names it, to be dropped by hand
            }
            (ok ? dropped : left).add(index);
        }
        return left.isEmpty() ? "no invalid index left (dropped " + String.join(", ", dropped) + ")"
                : "could not drop " + String.join(", ", left) + ": drop with DROP INDEX CONCURRENTLY";
    }

    /**
     * Runs one CREATE INDEX and notes its index as this build's (a failed concurrent build leaves an
     * invalid index behind, which the cleanup drops), but only when the name is still free just
     * before: an index someone else made meanwhile is never this build's to drop.
     */
    private static void create(Connection c, String sql, String index, List<String> made) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("/* pgsidecar */ SELECT pg_catalog.to_regclass(?) IS NULL")) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SQLException("a relation named " + index + " appeared before this build made it", "42P07");
                }
            }
        }
        made.add(index);
        try {
            execute(c, sql);
        } catch (SQLException e) {
            if ("42P07".equals(e.getSQLState())) {
                made.remove(index); // made by someone else between the check and the statement
            }
            throw e;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("/* pgsidecar */ " + sql);
        }
    }

    private static boolean valid(Connection c, String index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.IS_VALID)) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String resolveSchema(Connection c, String table, String fallback) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.RESOLVE_SCHEMA)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : fallback;
            }
        }
    }

    /** The name of a valid index of the table with the same definition as {@code shape}, or null. */
    private static String equalIndex(Connection c, String schema, String table, String shape) throws SQLException {
        String wanted = afterOn(shape);
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.TABLE_INDEXES)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String def = rs.getString(2);
                    if (def.startsWith("CREATE UNIQUE") == shape.startsWith("CREATE UNIQUE")
                            && IndexChecks.sameText(afterOn(def).replace(" ONLY ", " "), wanted.replace(" ONLY ", " "))) {
                        return rs.getString(1);
                    }
                }
            }
        }
        return null;
    }

    /** "USING btree (a, b) WHERE ..." of a CREATE INDEX statement: what two equal indexes share. */
    static String afterOn(String def) {
        int using = def.indexOf(" USING ");
        return using < 0 ? def : def.substring(using);
    }

    private static Optional<String[]> byName(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.INDEX_BY_NAME)) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {String.valueOf(rs.getBoolean(1)), rs.getString(2)})
                        : Optional.empty();
            }
        }
    }

    private static String freeName(Connection c, String schema, String base) throws SQLException {
        if (byName(c, schema, base).isEmpty()) {
            return base;
        }
        for (int i = 1; i < 100; i++) {
            String suffix = String.valueOf(i);
            String trimmed = base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base;
            if (byName(c, schema, trimmed + suffix).isEmpty()) {
                return trimmed + suffix;
            }
        }
        throw new IndexExceptions.NameTaken("no free index name from " + base + " on: give a name");
    }

    private static List<String[]> partitions(Connection c, String schema, String table) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.PARTITIONS)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }
}
