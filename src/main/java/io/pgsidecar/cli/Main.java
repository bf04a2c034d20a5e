package io.pgsidecar.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The one executable: without arguments it runs the agent; with a command it runs the CLI, before
 * anything of the agent starts (no HTTP server, no pool, no scheduler), and exits with its code.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (Cli.isCommand(args)) {
            PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
            PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
            System.exit(Cli.execute(args, out, err, System.getenv()));
        }
        Quarkus.run(args);
    }
}
