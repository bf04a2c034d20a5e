package io.pgsidecar.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The admin REST API under {@code /api/v1/admin/database}. */
@ConfigMapping(prefix = "pgsidecar.admin")
public interface AdminConfig {

    /** Bearer token the admin API accepts (env PGSIDECAR_ADMIN_TOKEN). */
    Optional<String> token();

    /** File holding the bearer token (a mounted Secret); used when {@link #token()} is unset. */
    Optional<String> tokenFile();

    /** Largest request body accepted, in bytes; larger ones get 413. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** Most rows one audit-log page returns. */
    @WithDefault("500")
    int maxAuditLimit();
}
