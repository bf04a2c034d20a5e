package io.pgsidecar.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * HTTP-level rules of the admin API that apply before any resource runs: request lines over the
 * limit get 414, bodies over the limit 413, and paths that match no resource 404, all in the
 * envelope.
 */
@ApplicationScoped
public class AdminHttpLimits {

    private final AdminConfig config;

    public AdminHttpLimits(AdminConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        router.route(AdminFilters.ADMIN_PREFIX + "/*").order(-1000).handler(this::checkLength);
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

    private void checkLength(RoutingContext ctx) {
        if (ctx.request().uri().length() > config.maxUriLength()) {
            envelope(ctx, 414, "uri_too_long", "request path and query longer than " + config.maxUriLength()
                    + " characters");
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

    private String tooLarge() {
        return "request body larger than " + config.maxBodyBytes() + " bytes";
    }

    private static void envelope(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject body = new JsonObject().put("status", "error")
                .put("error", new JsonObject().put("code", code).put("message", message));
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", status == 413 ? "close" : "keep-alive")
                .end(body.encode());
    }
}
