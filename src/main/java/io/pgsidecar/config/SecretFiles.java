package io.pgsidecar.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Secrets mounted as files (Kubernetes Secrets): the one way the agent reads them. */
public final class SecretFiles {

    private SecretFiles() {
    }

    /** Reads a secret file, dropping the trailing newline that editors and kubectl add. */
    public static String read(String path) throws IOException {
        String s = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        return s.replaceAll("[\\r\\n]+$", "");
    }
}
