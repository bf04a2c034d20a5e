package io.pgsidecar.admin;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The status page's sessions: a cookie signed with a key this process made at start (HMAC-SHA256),
 * holding an expiry, a random session id and the fingerprint of the token that logged in. Nothing
 * is stored on the server; a restart or a changed token ends every session. Each session has its
 * CSRF token, derived from the same key, that every form which changes something must carry.
 */
@Singleton
public class PageSessions {

    public static final String COOKIE = "pgsidecar_session";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A valid session: who logged in (the token's fingerprint), until when, and its CSRF token. */
    public record Session(String id, String caller, Instant expires, String csrf) {
    }

    private final byte[] key;
    private final AdminToken token;
    private final AdminConfig config;
    private final Clock clock;

    @Inject
    public PageSessions(AdminToken token, AdminConfig config) {
        this(token, config, Clock.systemUTC());
    }

    PageSessions(AdminToken token, AdminConfig config, Clock clock) {
        this(newKey(), token, config, clock);
    }

    private PageSessions(byte[] key, AdminToken token, AdminConfig config, Clock clock) {
        this.key = key;
        this.token = token;
        this.config = config;
        this.clock = clock;
    }

    /** The same sessions seen at another time (for tests of the expiry). */
    PageSessions withClock(Clock other) {
        return new PageSessions(key, token, config, other);
    }

    private static byte[] newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** A new session for a presented token, or empty when it is not the admin token. */
    public Optional<String> login(String presented) {
        if (!token.matches(presented)) {
            return Optional.empty();
        }
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        long expires = clock.instant().plus(config.statusPage().sessionTtl()).getEpochSecond();
        String payload = expires + "." + HexFormat.of().formatHex(id) + "." + AdminToken.fingerprint(presented)
                .substring("token:".length());
        return Optional.of(B64.encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + "." + sign(payload));
    }

    /** The session a cookie value stands for, when its signature holds and it has not expired. */
    public Optional<Session> verify(String cookie) {
        if (cookie == null || cookie.length() > 512) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        String payload;
        try {
            payload = new String(B64D.decode(cookie.substring(0, dot)), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                cookie.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(parts[0]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(expires)) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[1], "token:" + parts[2] + " (status page)", expires,
                sign("csrf:" + parts[1])));
    }

    /** Whether a form's CSRF token is the session's, compared in constant time. */
    public static boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
