package io.pgsidecar.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Serves the admin API's OpenAPI document at {@code /q/openapi}: YAML, or JSON with
 * {@code ?format=json} or {@code Accept: application/json}; also as {@code /q/openapi.json},
 * {@code .yaml} and {@code .yml}. Without a token (it holds no data of the database), and readable by
 * a browser-hosted viewer on another origin (CORS), as the SmallRye handler served it.
 *
 * <p>The bytes are {@code docs/openapi.yaml} and {@code docs/openapi.json}, packed into the jar by
 * the build. They are generated from the resources in the tests, where EveryRouteIT fails when they
 * differ from what the SmallRye OpenAPI extension builds; the agent itself does not carry that
 * extension, which parsed and re-serialised the document at every start. Read on the first request.
 */
@ApplicationScoped
public class OpenApiDocument {

    static final String PATH = "/q/openapi";
    static final String YAML = "META-INF/pgsidecar/openapi.yaml";
    static final String JSON = "META-INF/pgsidecar/openapi.json";

    private volatile Buffer yaml;
    private volatile Buffer json;

    void install(@Observes Router router) {
        router.route(PATH).blockingHandler(ctx -> serve(ctx, null));
        router.route(PATH + ".json").blockingHandler(ctx -> serve(ctx, "json"));
        router.route(PATH + ".yaml").blockingHandler(ctx -> serve(ctx, "yaml"));
        router.route(PATH + ".yml").blockingHandler(ctx -> serve(ctx, "yaml"));
    }

    /** Answers one request; {@code format} is the path's suffix, or null to negotiate. */
    private void serve(RoutingContext ctx, String format) {
        ctx.response().putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
                .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization")
                .putHeader("Access-Control-Max-Age", "86400");
        HttpMethod method = ctx.request().method();
        if (method.equals(HttpMethod.OPTIONS)) {
            ctx.response().setStatusCode(204).putHeader("Allow", "GET, HEAD, OPTIONS").end();
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD, OPTIONS").end();
            return;
        }
        boolean asJson = format != null ? format.equals("json")
                : wantsJson(ctx.request().getParam("format"), ctx.request().getHeader("Accept"));
        Buffer body = asJson ? json() : yaml();
        ctx.response().putHeader("Content-Type", (asJson ? "application/json" : "application/yaml") + ";charset=UTF-8")
                .putHeader("Cache-Control", "no-cache")
                .end(body);
    }

    /** JSON when asked for by the query ({@code format=json}) or, without one, by the Accept header. */
    static boolean wantsJson(String format, String accept) {
        if (format != null) {
            return format.equalsIgnoreCase("json");
        }
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
    }

    private Buffer yaml() {
        Buffer b = yaml;
        if (b == null) {
            yaml = b = read(YAML);
        }
        return b;
    }

    private Buffer json() {
        Buffer b = json;
        if (b == null) {
            json = b = read(JSON);
        }
        return b;
    }

    private static Buffer read(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
