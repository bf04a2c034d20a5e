package io.pgsidecar.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * HTTP-level rules of the admin API and the status page's forms that apply before any resource
 * runs, and so before anything is audited: request lines over the limit get 414, a path segment
 * with a control character or broken percent-encoding 400, bodies announced by {@code Content-Length}
 * over the limit 413 (those sent without one meet the same limit in {@link BodyLimit}), and paths
 * that match no resource 404, all in the envelope.
 */
@ApplicationScoped
public class AdminHttpLimits {

    private final AdminConfig config;

    public AdminHttpLimits(AdminConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        router.route(AdminFilters.ADMIN_PREFIX + "/*").order(-1000).handler(this::checkLength);
        router.route(AdminFilters.PAGE_PREFIX + "*").order(-1000).handler(this::checkPath);
        router.route(AdminFilters.ADMIN_PREFIX + "/*").order(Integer.MAX_VALUE - 10).handler(ctx ->
                envelope(ctx, 404, "not_found", "no such resource"));
        router.route(AdminFilters.ADMIN_PREFIX + "/*").failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                envelope(ctx, 413, "payload_too_large", tooLarge());
            } else {
                ctx.next();
            }
        });
    }

    private void checkPath(RoutingContext ctx) {
        String problem = pathProblem(ctx.request().path());
        if (problem != null) {
            envelope(ctx, 400, "invalid_path", problem);
            return;
        }
        ctx.next();
    }

    private void checkLength(RoutingContext ctx) {
        if (ctx.request().uri().length() > config.maxUriLength()) {
            envelope(ctx, 414, "uri_too_long", "request path and query longer than " + config.maxUriLength()
                    + " characters");
            return;
        }
        String problem = pathProblem(ctx.request().path());
        if (problem != null) {
            envelope(ctx, 400, "invalid_path", problem);
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
                    envelope(ctx, 413, "payload_too_large", tooLarge());
                    return;
                }
            } catch (NumberFormatException e) {
                envelope(ctx, 400, "bad_request", "Content-Length is not a number");
                return;
            }
        }
        ctx.next();
    }

    /**
     * Why a raw request path cannot be taken as names, or null: a percent-escape that is not two hex
     * digits, bytes that are not UTF-8, or a control character once decoded (a NUL cannot be stored,
     * and no name the API takes has one).
     */
    static String pathProblem(String raw) {
        if (raw == null || raw.indexOf('%') < 0 && raw.chars().noneMatch(AdminHttpLimits::control)) {
            return null;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0) {
                    return "the request path has a '%' that is not followed by two hex digits";
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        String decoded;
        try {
            decoded = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return "the request path is not UTF-8 once percent-decoded";
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (control(decoded.charAt(i))) {
                return String.format("a path segment contains the control character U+%04X", (int) decoded.charAt(i));
            }
        }
        return null;
    }

    private static boolean control(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    private String tooLarge() {
        return "request body larger than " + config.maxBodyBytes() + " bytes";
    }

    /**
     * The {@code uri} tag of {@code http_server_requests} for answers given here, before any route
     * matched: one value, so that no path a caller makes up becomes a series of its own.
     */
    static final String UNMATCHED_TEMPLATE = AdminFilters.ADMIN_PREFIX + "/{unmatched}";

    private static void envelope(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        // read by Quarkus' HTTP metrics as the route template (the request's context local)
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context != null) {
            context.putLocal("UrlPathTemplate", UNMATCHED_TEMPLATE);
        }
        JsonObject body = new JsonObject().put("status", "error")
                .put("error", new JsonObject().put("code", code).put("message", message));
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", status == 413 ? "close" : "keep-alive")
                .end(body.encode());
    }
}
