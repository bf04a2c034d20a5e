package io.pgsidecar.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network a test can cut: a network namespace joined to this one by a veth pair, with addresses
 * from a private /30 on that pair only. {@link #cut()} takes the namespace's end down, so packets
 * vanish without a reset (a real partition); a permanent neighbour entry on this end makes new
 * connects time out instead of failing fast with "No route to host". Needs root and iproute2;
 * {@link #close()} removes everything. Nothing outside the pair and loopback is touched.
 */
public final class NetworkPartition implements AutoCloseable {

    private final String namespace;
    private final String outer;
    private final String inner;
    private final String outerAddress;
    private final String innerAddress;

    private NetworkPartition(int n) {
        this.namespace = "pgsd" + n;
        this.outer = "pgsdo" + n;
        this.inner = "pgsdi" + n;
        this.outerAddress = "10.213." + n + ".1";
        this.innerAddress = "10.213." + n + ".2";
    }

    /** Whether this process may build one (root, with the ip command). */
    public static boolean available() {
        return "0".equals(output("id", "-u").trim()) && !output("ip", "-V").isBlank();
    }

    /**
     * A namespace of its own: test forks run side by side, so the number is taken by creating the
     * namespace (which fails if another fork has it), never by closing what may be another's.
     */
    private static NetworkPartition claim() {
        for (int i = 0; i < 50; i++) {
            NetworkPartition p = new NetworkPartition(ThreadLocalRandom.current().nextInt(1, 250));
            if (exitCode("ip", "netns", "add", p.namespace) == 0) {
                return p;
            }
        }
        throw new IllegalStateException("no free network namespace number after 50 tries");
    }

    public static NetworkPartition create() {
        NetworkPartition p = claim();
        try {
            p.sh("ip", "link", "add", p.outer, "type", "veth", "peer", "name", p.inner);
            p.sh("ip", "link", "set", p.inner, "netns", p.namespace);
            p.sh("ip", "addr", "add", p.outerAddress + "/30", "dev", p.outer);
            p.sh("ip", "link", "set", p.outer, "up");
            p.ns("ip", "addr", "add", p.innerAddress + "/30", "dev", p.inner);
            p.ns("ip", "link", "set", p.inner, "up");
            p.ns("ip", "link", "set", "lo", "up");
            String mac = output("ip", "netns", "exec", p.namespace, "cat", "/sys/class/net/" + p.inner + "/address").trim();
            p.sh("ip", "neigh", "replace", p.innerAddress, "lladdr", mac, "dev", p.outer, "nud", "permanent");
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public String namespace() {
        return namespace;
    }

    /** The address servers in the namespace listen on. */
    public String innerAddress() {
        return innerAddress;
    }

    /** Packets to and from the namespace vanish from now on. */
    public void cut() {
        ns("ip", "link", "set", inner, "down");
    }

    /** The link is back. */
    public void heal() {
        ns("ip", "link", "set", inner, "up");
    }

    /** Runs a command inside the namespace and returns what it printed (bounded to 30 s). */
    public String inside(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(command));
        return output(cmd.toArray(String[]::new));
    }

    @Override
    public void close() {
        quietly("ip", "link", "del", outer);
        quietly("ip", "netns", "del", namespace);
    }

    private void ns(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(command));
        sh(cmd.toArray(String[]::new));
    }

    private void sh(String... command) {
        Result r = exec(command);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r.output);
        }
    }

    private static void quietly(String... command) {
        try {
            exec(command);
        } catch (RuntimeException ignored) {
            // cleaning up: whatever is left is gone with the namespace
        }
    }

    private static int exitCode(String... command) {
        return exec(command).exit;
    }

    private static String output(String... command) {
        return exec(command).output;
    }

    private record Result(int exit, String output) {
    }

    private static Result exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
