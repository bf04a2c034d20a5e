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
 * {@code ?format=json} or {@code Accept: application/json}, without a token (it holds no data of the
 * database).
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
        router.route(PATH).blockingHandler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        boolean asJson = wantsJson(ctx.request().getParam("format"), ctx.request().getHeader("Accept"));
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
