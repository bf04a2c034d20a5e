package io.pgsidecar.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Prometheus' own checker (Debian package {@code prometheus}), run on rule files and on scrapes. */
public final class Promtool {

    /** What one run printed and how it exited. */
    public record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    public static String path() {
        for (String p : List.of("/usr/bin/promtool", "/usr/local/bin/promtool")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("promtool not found: apt-get install prometheus (.ci/run does this)");
    }

    /** Runs promtool with {@code args}, feeding {@code stdin} when not null; bounded to 60 s. */
    public static Result run(List<String> args, String stdin) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(path());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish within 60 s");
        }
        return new Result(p.exitValue(), out);
    }
}
