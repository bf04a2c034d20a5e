package io.pgsidecar.admin;

import io.pgsidecar.audit.AuditEntry;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.audit.AuditUnavailableException;
import io.pgsidecar.config.InstanceInfo;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Authentication and auditing of the admin API. Every request under {@code /api/v1/admin} needs
 * the bearer token. Every authenticated request that may change something (any method but GET,
 * HEAD and OPTIONS) is audited before its resource runs: its intent is stored, and if that fails
 * within the bound it is answered 503 {@code audit_unavailable} and nothing runs; its outcome is
 * recorded after, whatever it is.
 */
public class AdminFilters {

    static final String ADMIN_PREFIX = "/api/v1/admin";
    /** The status page's forms that change something: audited like the admin API, by the session's caller. */
    static final String PAGE_PREFIX = "/ui/";
    private static final String CALLER = "pgsidecar.caller";
    private static final String STARTED = "pgsidecar.started";
    private static final String INTENT = "pgsidecar.audit-intent";
    private static final String REFUSED = "pgsidecar.audit-refused";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final AdminToken token;
    private final AuditLog audit;
    private final AuditContext auditContext;
    private final InstanceInfo instance;
    private final PageSessions sessions;

    public AdminFilters(AdminToken token, AuditLog audit, AuditContext auditContext, InstanceInfo instance,
                        PageSessions sessions) {
        this.token = token;
        this.audit = audit;
        this.auditContext = auditContext;
        this.instance = instance;
        this.sessions = sessions;
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext ctx) {
        // the path as a router would match it: "//ui/..." must not slip past the page's audit
        String path = ctx.getUriInfo().getPath().replaceAll("/{2,}", "/");
        if (path.startsWith(PAGE_PREFIX) && !SAFE.contains(ctx.getMethod()) && !path.equals(StatusPage.LOGIN)
                && !path.equals(StatusPage.LOGOUT)) {
            return pageForm(ctx);
        }
        if (!path.startsWith(ADMIN_PREFIX)) {
            return null;
        }
        ctx.setProperty(STARTED, System.nanoTime());
        if (!token.configured()) {
            return error(503, "admin_token_not_configured",
                    "admin token not configured: set pgsidecar.admin.token (PGSIDECAR_ADMIN_TOKEN) or "
                            + "pgsidecar.admin.token-file");
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthorized("missing bearer token (Authorization: Bearer <token>)");
        }
        String presented = header.substring(7).trim();
        if (!token.matches(presented)) {
            return unauthorized("invalid bearer token");
        }
        String caller = AdminToken.fingerprint(presented);
        String named = ctx.getHeaderString("X-Pgsidecar-Caller");
        if (named != null && !named.isBlank()) {
            caller = caller + " (" + named.strip().replaceAll("[^\\p{Alnum}@._ -]", "_")
                    .substring(0, Math.min(64, named.strip().length())) + ")";
        }
        ctx.setProperty(CALLER, caller);
        auditContext.caller(caller);
        // the admin API speaks JSON: a request without a body or a Content-Type (curl -X POST ...)
        // is read as JSON, so it reaches the resource instead of failing with 415
        String length = ctx.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        boolean noBody = "0".equals(length) || (length == null && ctx.getHeaderString("Transfer-Encoding") == null);
        if (noBody || ctx.getHeaderString(HttpHeaders.CONTENT_TYPE) == null) {
            ctx.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
        return null;
    }

    /**
     * A status page form that changes something: it needs a valid session (else back to the login), and
     * is then audited like an admin call by the session's caller. Its CSRF token is checked by the page.
     */
    private Response pageForm(ContainerRequestContext ctx) {
        var cookie = ctx.getCookies().get(PageSessions.COOKIE);
        var session = sessions.verify(cookie == null ? null : cookie.getValue());
        if (session.isEmpty()) {
            return Response.seeOther(java.net.URI.create(StatusPage.LOGIN)).build();
        }
        ctx.setProperty(STARTED, System.nanoTime());
        ctx.setProperty(CALLER, session.get().caller());
        auditContext.caller(session.get().caller());
        return null;
    }

    /**
     * Stores the intent of a changing call before its resource runs (on the worker thread, after
     * matching). When it cannot be stored, the call is refused and changes nothing.
     */
    @ServerRequestFilter
    public Response recordIntent(ContainerRequestContext req, HttpServerRequest http) {
        Object caller = req.getProperty(CALLER);
        if (caller == null || SAFE.contains(req.getMethod())) {
            return null;
        }
        AuditEntry intent = new AuditEntry(null, Instant.now(), caller.toString(), client(http), instance.name(),
                req.getMethod() + " " + req.getUriInfo().getPath(), queryParameters(req), "pending", null, null, 0);
        try {
            req.setProperty(INTENT, audit.intent(intent));
            return null;
        } catch (AuditUnavailableException e) {
            req.setProperty(REFUSED, Boolean.TRUE);
            return error(503, "audit_unavailable", e.getMessage());
        }
    }

    @ServerResponseFilter
    public void recordOutcome(ContainerRequestContext req, ContainerResponseContext resp, HttpServerRequest http) {
        Object caller = req.getProperty(CALLER);
        if (caller == null || SAFE.contains(req.getMethod())) {
            return;
        }
        long started = req.getProperty(STARTED) instanceof Long l ? l : System.nanoTime();
        String action = auditContext.action() != null ? auditContext.action()
                : req.getMethod() + " " + req.getUriInfo().getPath();
        Map<String, Object> params = new LinkedHashMap<>(auditContext.parameters());
        if (params.isEmpty()) {
            params.putAll(queryParameters(req));
        }
        String outcome = "success";
        String detail = auditContext.detail();
        if (resp.getStatus() >= 400) {
            outcome = "error";
            if (resp.getEntity() instanceof ApiResponse<?> r && r.error() != null) {
                outcome = r.error().code();
                detail = r.error().message();
            }
        }
        AuditEntry entry = new AuditEntry(null, Instant.now(), caller.toString(), client(http), instance.name(), action,
                params, outcome, resp.getStatus(), detail, (System.nanoTime() - started) / 1_000_000);
        if (req.getProperty(INTENT) instanceof Long id) {
            audit.outcome(id, entry);
        } else if (req.getProperty(REFUSED) != null) {
            audit.logOnly(entry);
        } else {
            audit.record(entry);
        }
    }

    private static Map<String, Object> queryParameters(ContainerRequestContext req) {
        Map<String, Object> params = new LinkedHashMap<>();
        req.getUriInfo().getQueryParameters().forEach((k, v) -> params.put(k, v.size() == 1 ? v.get(0) : v));
        return params;
    }

    private static String client(HttpServerRequest http) {
        return http.remoteAddress() == null ? null : http.remoteAddress().host();
    }

    private static Response unauthorized(String message) {
        return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pgsidecar\"")
                .type(MediaType.APPLICATION_JSON).entity(ApiResponse.error("unauthorized", message)).build();
    }

    static Response error(int status, String code, String message) {
        return error(status, code, message, java.util.Map.of());
    }

    static Response error(int status, String code, String message, java.util.Map<String, Object> details) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(ApiResponse.error(code, message, details)).build();
    }
}
