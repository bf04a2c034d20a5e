package io.pgsidecar.admin;

import io.pgsidecar.config.SecretFiles;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The admin API's bearer token, from {@code pgsidecar.admin.token} or the file in
 * {@code pgsidecar.admin.token-file}. In dev mode or with the embedded database, when neither is
 * set, a random one is made and printed. Tokens are compared through their SHA-256 digests with {@link MessageDigest#isEqual},
 * so the time taken does not depend on how much of a guess is right.
 */
@ApplicationScoped
public class AdminToken {

    private static final Logger LOG = Logger.getLogger(AdminToken.class);

    private final Optional<byte[]> digest;
    private final Optional<String> generated;

    public AdminToken(AdminConfig config,
                      @ConfigProperty(name = "pgsidecar.dev.embedded", defaultValue = "false") boolean embedded) {
        Optional<String> token = config.token().filter(t -> !t.isBlank());
        if (token.isEmpty() && config.tokenFile().isPresent()) {
            try {
                token = Optional.of(SecretFiles.read(config.tokenFile().get()))
                        .filter(t -> !t.isBlank());
            } catch (IOException e) {
                throw new IllegalStateException("pgsidecar.admin.token-file='" + config.tokenFile().get()
                        + "' cannot be read", e);
            }
        }
        Optional<String> made = Optional.empty();
        if (token.isEmpty() && (LaunchMode.current() == LaunchMode.DEVELOPMENT || embedded)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            made = Optional.of(HexFormat.of().formatHex(random));
            token = made;
        }
        this.generated = made;
        this.digest = token.map(AdminToken::sha256);
        if (digest.isEmpty()) {
            LOG.warn("no admin token configured (pgsidecar.admin.token / PGSIDECAR_ADMIN_TOKEN or "
                    + "pgsidecar.admin.token-file): the admin API answers 503");
        }
    }

    public boolean configured() {
        return digest.isPresent();
    }

    /** The token made for dev mode, if one was. */
    public Optional<String> generated() {
        return generated;
    }

    public boolean matches(String presented) {
        return digest.isPresent() && presented != null && MessageDigest.isEqual(digest.get(), sha256(presented));
    }

    /** A short, non-reversible name for a token, used as the caller identity in the audit log. */
    public static String fingerprint(String token) {
        return "token:" + HexFormat.of().formatHex(sha256(token)).substring(0, 12);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
