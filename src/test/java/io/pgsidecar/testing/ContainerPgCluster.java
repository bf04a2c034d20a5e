package io.pgsidecar.testing;

import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Network;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL in a container, for machines with a Docker engine. The host port is fixed when the
 * container is created, so {@link #stop()} and {@link #start()} keep it, as the local binaries do.
 * A replica is a second container that clones the primary with {@code pg_basebackup}.
 *
 * <p>Not exercised on the project's own build machines, which have no Docker engine.
 */
final class ContainerPgCluster implements PgCluster {

    private static final DockerImageName IMAGE = DockerImageName.parse(
            System.getProperty("pg.image", "postgres:15"));

    private final PostgreSQLContainer container;
    private final int hostPort;
    private final int major;
    private final Network network;

    private ContainerPgCluster(PostgreSQLContainer container, int hostPort, Network network) {
        this.container = container;
        this.hostPort = hostPort;
        this.network = network;
        this.major = Integer.parseInt(IMAGE.getVersionPart().split("[.-]")[0]);
    }

    static ContainerPgCluster start(List<String> extraSettings) {
        Network network = Network.newNetwork();
        int hostPort = FreePorts.next();
        List<String> cmd = new ArrayList<>(List.of("postgres", "-c", "shared_preload_libraries=pg_stat_statements",
                "-c", "wal_keep_size=256MB", "-c", "fsync=off"));
        for (String s : extraSettings) {
            cmd.add("-c");
            cmd.add(s.replace(" ", "").replace("'", ""));
        }
        PostgreSQLContainer c = new PostgreSQLContainer(IMAGE)
                .withUsername(USER).withPassword(PASSWORD).withDatabaseName("postgres")
                .withNetwork(network).withNetworkAliases("primary")
                .withCommand(cmd.toArray(String[]::new))
                .withCreateContainerCmdModifier(cc -> cc.getHostConfig().withPortBindings(
                        com.github.dockerjava.api.model.PortBinding.parse(hostPort + ":5432")));
        c.start();
        return new ContainerPgCluster(c, hostPort, network);
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public int majorVersion() {
        return major;
    }

    @Override
    public void stop() {
        container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void start() {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var ignored = connect()) {
                return;
            } catch (java.sql.SQLException e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("container did not come back within 60 s");
    }

    @Override
    public PgCluster newReplica() {
        int replicaPort = FreePorts.next();
        String script = "rm -rf /var/lib/postgresql/data/* && PGPASSWORD=" + PASSWORD
                + " pg_basebackup -h primary -U " + USER + " -D /var/lib/postgresql/data -R -X stream -c fast"
                + " && chown -R postgres /var/lib/postgresql/data && chmod 700 /var/lib/postgresql/data"
                + " && exec gosu postgres postgres -c shared_preload_libraries=pg_stat_statements";
        PostgreSQLContainer replica = new PostgreSQLContainer(IMAGE)
                .withUsername(USER).withPassword(PASSWORD).withDatabaseName("postgres")
                .withNetwork(network)
                .withCreateContainerCmdModifier(cc -> cc.withEntrypoint("bash", "-c", script)
                        .getHostConfig().withPortBindings(
                                com.github.dockerjava.api.model.PortBinding.parse(replicaPort + ":5432")));
        replica.start();
        return new ContainerPgCluster(replica, replicaPort, network);
    }

    @Override
    public void close() {
        container.stop();
    }

    /** Free host ports for fixed bindings. */
    static final class FreePorts {
        static int next() {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                return s.getLocalPort();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
