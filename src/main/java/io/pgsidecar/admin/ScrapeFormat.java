package io.pgsidecar.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /q/metrics} answers in the Prometheus text format 0.0.4, whatever the client's Accept
 * header asks for.
 *
 * <p>Quarkus' handler answers OpenMetrics 1.0.0 to a client that sends no Accept header, {@code *}/{@code *}
 * or {@code application/openmetrics-text}. In that form a counter's HELP and TYPE name the family
 * ({@code pgsidecar_pool_leaks}) and its sample adds {@code _total}, which the text parsers of
 * {@code promtool check metrics} and of most scripts read as a second family without HELP or
 * TYPE. The agent uses nothing only OpenMetrics can carry (exemplars, info or state-set families),
 * and Prometheus' own Accept header lists the text format as acceptable, so one format serves
 * every client and passes the checker. Registered ahead of the handler, it only rewrites the
 * request's Accept header.
 */
@ApplicationScoped
public class ScrapeFormat {

    /** The content type the scrape is negotiated to. */
    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

    void install(@Observes Router router) {
        router.route("/q/metrics").order(-100).handler(ctx -> {
            ctx.request().headers().set(HttpHeaders.ACCEPT, TEXT_004);
            ctx.next();
        });
    }
}
