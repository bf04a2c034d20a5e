package io.pgsidecar.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports for the test's own listeners (receivers, packaged agents). */
public final class Ports {

    private Ports() {
    }

    /**
     * A loopback port free now, below Linux's ephemeral range (32768 and up): a port chosen here is
     * often bound only after the agent and its clusters have started, and a port from the ephemeral
     * range can meanwhile become the source port of one of their outgoing connections (one CI run
     * failed so). Random in 20000–32767, bounded tries.
     */
    public static int free() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 200; i++) {
            int port = random.nextInt(20_000, 32_768);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free loopback port in 20000-32767 after 200 tries");
    }
}
