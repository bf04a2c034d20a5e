package io.pgsidecar.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The admin REST API under {@code /api/v1/admin/database}. */
@ConfigMapping(prefix = "pgsidecar.admin")
public interface AdminConfig {

    /** The HTTP server's own limit on a request line (quarkus.http.limits.max-initial-line-length). */
    int HTTP_LINE_LIMIT = 65536;

    /** Bearer token the admin API accepts (env PGSIDECAR_ADMIN_TOKEN). */
    Optional<String> token();

    /** File holding the bearer token (a mounted Secret); used when {@link #token()} is unset. */
    Optional<String> tokenFile();

    /** Largest request body accepted, in bytes; larger ones get 413. */
    @WithDefault("65536")
    int maxBodyBytes();

    /**
     * Longest request line (path and query) the admin API accepts; longer ones get 414 in the
     * envelope. The HTTP server itself refuses lines over 64 KiB before the agent sees them.
     */
    @WithDefault("4096")
    int maxUriLength();

    /** Most rows one audit-log page returns. */
    @WithDefault("500")
    int maxAuditLimit();

    /** The status page at {@code /} on the same port. */
    StatusPage statusPage();

    /** The status page: a login with the admin token, then a signed session cookie. */
    interface StatusPage {

        /** Serve the page (it still needs the admin token to log in). */
        @WithDefault("true")
        boolean enabled();

        /** How long a login lasts; the cookie expires then and the page asks for the token again. */
        @WithDefault("1h")
        java.time.Duration sessionTtl();
    }
}
