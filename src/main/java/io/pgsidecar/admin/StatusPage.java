package io.pgsidecar.admin;

import static io.pgsidecar.admin.PageView.col;
import static io.pgsidecar.admin.PageView.figure;
import static io.pgsidecar.admin.PageView.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgsidecar.admin.PageView.Format;
import io.pgsidecar.admin.PageView.Section;
import io.pgsidecar.config.SettingNames;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The status page: server-rendered HTML at {@code /} on the agent's port, for a person behind
 * {@code kubectl port-forward}. It logs in with the admin token (a form, never a URL) and then
 * carries a signed, expiring session cookie ({@link PageSessions}); forms that change something carry
 * the session's CSRF token and are audited like the API (see {@link AdminFilters}). Every page is one
 * more reader of the admin API's answers, rendered without JavaScript and without assets from
 * outside the pod; the security headers forbid scripts, framing and foreign sources.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class StatusPage {

    private static final Logger LOG = Logger.getLogger(StatusPage.class);
    static final String LOGIN = "/ui/login";
    static final String LOGOUT = "/ui/logout";
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    static final List<String> TASKS = List.of("update_statistics", "vacuum", "maintain_indexes", "cleanup_old_data",
            "connection_health", "housekeeping");

    private final PageSessions sessions;
    private final AdminConfig config;
    private final ObjectMapper json;
    private final DatabaseAdminResource agent;
    private final PerformanceResource performance;
    private final ReplicasResource replicas;
    private final AlertsResource alerts;
    private final MaintenanceResource maintenance;
    private final PartitionsResource partitions;
    private final IndexesResource indexes;
    private final ActivityResource activity;

    public StatusPage(PageSessions sessions, AdminConfig config, ObjectMapper json, DatabaseAdminResource agent,
                      PerformanceResource performance, ReplicasResource replicas, AlertsResource alerts,
                      MaintenanceResource maintenance, PartitionsResource partitions, IndexesResource indexes,
                      ActivityResource activity) {
        this.sessions = sessions;
        this.config = config;
        this.json = json;
        this.agent = agent;
        this.performance = performance;
        this.replicas = replicas;
        this.alerts = alerts;
        this.maintenance = maintenance;
        this.partitions = partitions;
        this.indexes = indexes;
        this.activity = activity;
    }

    // ---- login and logout ----

    @GET
    @Path("/ui/login")
    public Response loginForm() {
        if (!config.statusPage().enabled()) {
            return notFound();
        }
        return html(200, PageHtml.login(null));
    }

    @POST
    @Path("/ui/login")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("token") String token, @jakarta.ws.rs.core.Context UriInfo uri) {
        if (!config.statusPage().enabled()) {
            return notFound();
        }
        Optional<String> cookie = sessions.login(token == null ? null : token.strip());
        if (cookie.isEmpty()) {
            LOG.warn("status page: a login with a wrong token was refused");
            return html(401, PageHtml.login("That is not the admin token."));
        }
        LOG.infof("status page: %s logged in", AdminToken.fingerprint(token.strip()));
        return Response.seeOther(URI.create("/")).cookie(cookie(cookie.get(), (int) config.statusPage().sessionTtl()
                .toSeconds(), uri)).build();
    }

    @POST
    @Path("/ui/logout")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@CookieParam(PageSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
                           @jakarta.ws.rs.core.Context UriInfo uri) {
        if (!config.statusPage().enabled()) {
            return notFound();
        }
        Optional<PageSessions.Session> s = sessions.verify(cookie);
        if (s.isPresent() && !PageSessions.csrfMatches(s.get(), csrf)) {
            return forbidden();
        }
        return Response.seeOther(URI.create(LOGIN)).cookie(cookie("", 0, uri)).build();
    }

    // ---- pages ----

    @GET
    public Response overview(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Overview", "overview", () -> {
            List<Section> out = new ArrayList<>();
            out.add(section("Database", () -> {
                JsonNode h = data(agent.health());
                return PageView.figures("Database", String.join("; ", texts(h.path("reasons"))), List.of(
                        figure("overall", h, "overall", Format.STATE),
                        figure("PostgreSQL", h, "server.version", Format.TEXT),
                        figure("in recovery", h, "server.in_recovery", Format.TEXT),
                        figure("up", h, "server.uptime_seconds", Format.SECONDS),
                        figure("connections", h, "connections.current", Format.NUMBER),
                        figure("of usable", h, "connections.usable", Format.NUMBER),
                        figure("cache hit ratio", h, "cache_hit_ratio", Format.RATIO),
                        figure("oldest transaction", h, "oldest_transaction_seconds", Format.SECONDS),
                        figure("XID age of limit", h, "transaction_ids.age_ratio", Format.RATIO),
                        figure("pg_stat_statements", h, "pg_stat_statements.version", Format.TEXT)));
            }));
            out.add(section("This agent", () -> {
                JsonNode l = data(agent.leader());
                JsonNode p = data(agent.pool());
                return PageView.figures("This agent", "Its own pool, apart from the application's.", List.of(
                        figure("leader", l, "leader", Format.STATE),
                        figure("leader since", l, "since", Format.TIME),
                        figure("pool max", p, "max", Format.NUMBER),
                        figure("pool active", p, "active", Format.NUMBER),
                        figure("pool most used", p, "max_used", Format.NUMBER),
                        figure("waiting", p, "awaiting", Format.NUMBER),
                        figure("acquire max", p, "acquire_max_seconds", Format.SECONDS)));
            }));
            out.add(section("Collectors", () -> {
                JsonNode c = data(agent.collectors());
                List<JsonNode> rows = new ArrayList<>();
                c.forEach(rows::add);
                return PageView.table("Collectors", "Each scheduled poller and job.", json.valueToTree(rows), List.of(
                        col("collector", "collector", Format.TEXT), col("last success", "last_success", Format.TIME),
                        col("took", "last_duration_seconds", Format.SECONDS), col("errors", "errors", Format.NUMBER),
                        col("last error", "last_error", Format.CUT)));
            }));
            return out;
        });
    }

    @GET
    @Path("/ui/statements")
    public Response statements(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Statements", "statements", () -> {
            List<Section> out = new ArrayList<>();
            JsonNode d = data(performance.stats("25", "10", null));
            String note = "Interval of " + PageView.format(d.at("/interval/seconds"), Format.SECONDS) + ", captured "
                    + PageView.format(d.at("/interval/captured_at"), Format.TIME) + ". Availability: "
                    + d.at("/availability/state").asText("") + "."
                    + (d.at("/analysis/agent_own/statements").asInt() > 0 ? " The agent's own: "
                    + d.at("/analysis/agent_own/statements").asInt() + " statements, "
                    + PageView.format(d.at("/analysis/agent_own/total_ms"), Format.MS) + " (not listed)." : "");
            out.add(PageView.table("Top statements by total time", note, d.path("query_statistics"), List.of(
                    link("query id", "queryid", Format.TEXT, r -> "/ui/statements/" + r.path("queryid").asText()),
                    col("calls", "calls", Format.NUMBER), col("total", "total_ms", Format.MS),
                    col("mean", "mean_ms", Format.MS), col("calls/s", "calls_per_second", Format.NUMBER),
                    col("cache hit", "cache_hit_ratio", Format.RATIO), col("query", "query", Format.CUT))));
            out.add(PageView.table("Slow queries (interval mean)", null, d.at("/slow_queries/by_interval_mean"), List.of(
                    link("query id", "queryid", Format.TEXT, r -> "/ui/statements/" + r.path("queryid").asText()),
                    col("calls", "calls", Format.NUMBER), col("mean", "mean_ms", Format.MS),
                    col("total", "total_ms", Format.MS), col("query", "query", Format.CUT))));
            out.add(PageView.table("Running past the slow threshold now", null, d.at("/slow_queries/running_now"),
                    List.of(col("pid", "pid", Format.TEXT), col("application", "application_name", Format.TEXT),
                            col("state", "state", Format.TEXT), col("query", "query", Format.CUT))));
            out.add(PageView.table("Possible N+1 patterns", null, d.at("/analysis/n_plus_one"), List.of(
                    link("query id", "queryid", Format.TEXT, r -> "/ui/statements/" + r.path("queryid").asText()),
                    col("calls", "calls", Format.NUMBER), col("rows/call", "rows_per_call", Format.NUMBER),
                    col("mean", "mean_ms", Format.MS), col("query", "query", Format.CUT))));
            return out;
        });
    }

    @GET
    @Path("/ui/statements/{queryid}")
    public Response statement(@CookieParam(PageSessions.COOKIE) String cookie, @PathParam("queryid") String queryid) {
        return page(cookie, "Statement " + PageView.cut(queryid), "statements", () -> {
            List<Section> out = new ArrayList<>();
            JsonNode d = data(performance.query(queryid, "24", "500"));
            out.add(PageView.text("Text", null, d.path("query").asText("(not known)")));
            JsonNode last = d.path("last_interval");
            if (last.isObject()) {
                out.add(PageView.figures("Last interval", null, List.of(figure("calls", last, "calls", Format.NUMBER),
                        figure("total", last, "total_ms", Format.MS), figure("mean", last, "mean_ms", Format.MS),
                        figure("max (lifetime)", last, "max_ms", Format.MS), figure("rows", last, "rows", Format.NUMBER),
                        figure("cache hit", last, "cache_hit_ratio", Format.RATIO))));
            }
            List<Double> means = new ArrayList<>();
            List<Double> calls = new ArrayList<>();
            List<String> times = new ArrayList<>();
            d.path("history").forEach(p -> {
                means.add(p.path("mean_ms").asDouble());
                calls.add(p.path("calls").asDouble());
                times.add(p.path("captured_at").asText(""));
            });
            java.util.Collections.reverse(means);   // the history is newest first; a sparkline reads left to right
            java.util.Collections.reverse(calls);
            java.util.Collections.reverse(times);
            JsonNode plans = planHistory(queryid);
            int n = means.size();
            if (n >= 2) {
                List<Integer> changed = planChanges(plans, times);
                out.add(PageView.chart("Mean time, last 24 h", n + " intervals, "
                        + PageView.millis(means.stream().mapToDouble(Double::doubleValue).min().orElse(0)) + " to "
                        + PageView.millis(means.stream().mapToDouble(Double::doubleValue).max().orElse(0)) + "."
                        + (changed.isEmpty() ? "" : " A vertical line marks each plan change."),
                        PageView.sparkline(means, "mean time per interval", changed)));
                out.add(PageView.chart("Calls per interval, last 24 h", PageView.number(calls.stream()
                        .mapToDouble(Double::doubleValue).sum()) + " calls in " + n + " intervals.",
                        PageView.sparkline(calls, "calls per interval")));
            } else {
                out.add(PageView.text("History", "Fewer than two stored intervals so far.", null));
            }
            out.add(section("Plan changes", () -> planSideBySide(plans)));
            out.add(section("Plan", () -> {
                JsonNode plan = data(performance.plan(queryid));
                return PageView.text("Plan", "Generic plan (" + plan.path("method").asText() + "), never executed; "
                        + "total cost " + PageView.format(plan.path("total_cost"), Format.NUMBER) + ".",
                        PageView.planTree(plan.path("nodes")));
            }));
            return out;
        });
    }

    @GET
    @Path("/ui/connections")
    public Response connections(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Connections", "connections", () -> {
            JsonNode d = data(performance.connections());
            JsonNode server = d.path("server");
            List<Section> out = new ArrayList<>();
            out.add(PageView.figures("Server", "From the latest poll, " + PageView.format(server.path("captured_at"),
                    Format.TIME) + ".", List.of(figure("connections", server, "total", Format.NUMBER),
                    figure("usable", server, "usable", Format.NUMBER), figure("used", server, "usage_ratio", Format.RATIO),
                    figure("this agent", server, "agent", Format.NUMBER))));
            out.add(PageView.table("By application", "The suggested pool size is what the application's peak "
                    + "active sessions need, with headroom.", server.path("by_application"), List.of(
                    col("application", "application_name", Format.TEXT), col("total", "total", Format.NUMBER),
                    col("active", "active", Format.NUMBER), col("idle", "idle", Format.NUMBER),
                    col("idle in transaction", "idle_in_transaction", Format.NUMBER),
                    col("peak active", "peak_active", Format.NUMBER),
                    col("suggested pool", "recommended_pool_size", Format.NUMBER), col("basis", "basis", Format.CUT))));
            List<PageView.Column> sessionCols = List.of(col("pid", "pid", Format.TEXT),
                    col("application", "application_name", Format.TEXT), col("user", "user", Format.TEXT),
                    col("state", "state", Format.TEXT), col("query", "query", Format.CUT));
            out.add(PageView.table("Idle in transaction", null, server.path("idle_in_transaction"), sessionCols));
            out.add(PageView.table("Long transactions", null, server.path("long_transactions"), sessionCols));
            return out;
        });
    }

    @GET
    @Path("/ui/activity")
    public Response activityPage(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Activity", "activity", () -> {
            List<Section> out = new ArrayList<>();
            out.add(section("Who blocks whom", () -> {
                JsonNode b = data(activity.blocking());
                List<JsonNode> rows = new ArrayList<>();
                b.path("chains").forEach(c -> flatten(c.path("root"), 0, rows));
                return PageView.table("Who blocks whom", "Read " + PageView.format(b.path("captured_at"), Format.TIME)
                        + "; " + b.path("waiting").asInt() + " session(s) waiting on a lock, "
                        + b.path("chains").size() + " root blocker(s); deadlocks in the last hour: "
                        + PageView.plain(b.at("/deadlocks/last_hour")) + ". Each waiter is listed under the session it "
                        + "waits for; end a root with POST .../activity/sessions/{pid}/terminate (dry run first).",
                        json.valueToTree(rows), List.of(col("session", "tree", Format.TEXT),
                                col("application", "application_name", Format.TEXT), col("user", "user", Format.TEXT),
                                col("state", "state", Format.TEXT), col("waiting for", "waiting_for", Format.CUT),
                                col("waited", "wait_seconds", Format.SECONDS),
                                col("transaction", "transaction_age_seconds", Format.SECONDS),
                                col("holds", "holds", Format.CUT), col("query", "query", Format.CUT)));
            }));
            out.add(section("Lock waits", () -> PageView.table("Lock waits by object and mode", null,
                    data(activity.blocking()).path("lock_waits"), List.of(col("lock", "lock_type", Format.TEXT),
                            col("object", "object", Format.TEXT), col("mode", "mode", Format.TEXT),
                            col("waiting", "waiting", Format.NUMBER),
                            col("longest", "longest_wait_seconds", Format.SECONDS)))));
            JsonNode w = data(activity.waits(null, "10"));
            out.add(section("Waits over time", () -> {
                List<String> classes = texts(w.at("/series/classes"));
                List<java.util.Map<String, Double>> buckets = new ArrayList<>();
                w.at("/series/buckets").forEach(bucket -> {
                    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
                    bucket.path("sessions").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
                    buckets.add(m);
                });
                String note = w.path("sampled_here").asBoolean()
                        ? "Average sessions per wait class in each " + PageView.format(w.at("/series/bucket_seconds"),
                        Format.SECONDS) + " of the last " + PageView.format(w.path("from"), Format.TIME) + " to now; "
                        + String.format(java.util.Locale.ROOT, "%.2f", w.path("average_active_sessions").asDouble())
                        + " active sessions on average over " + w.path("samples").asInt() + " samples."
                        : "This agent does not sample (a follower, or " + SettingNames.env("pgsidecar.activity.enabled")
                        + " is false): the leader does.";
                return PageView.chart("Waits over time", note, PageView.stackedChart(classes, buckets,
                        "average sessions per wait class"));
            }));
            List<PageView.Column> waitCols = List.of(col("class", "wait_class", Format.TEXT),
                    col("event", "wait_event", Format.TEXT), col("sessions", "average_sessions", Format.NUMBER),
                    col("share", "share", Format.RATIO));
            out.add(PageView.table("Top waits", "CPU is a session active without a wait event.", w.path("wait_events"),
                    waitCols));
            out.add(PageView.table("By application", null, withWaitsText(w.path("by_application")), List.of(
                    col("application", "application_name", Format.TEXT),
                    col("sessions", "average_sessions", Format.NUMBER),
                    col("waits", "waits_text", Format.CUT))));
            out.add(PageView.table("By statement", null, withWaitsText(w.path("by_query_id")), List.of(
                    link("query id", "query_id", Format.TEXT, r -> "/ui/statements/" + r.path("query_id").asText()),
                    col("sessions", "average_sessions", Format.NUMBER), col("waits", "waits_text", Format.CUT),
                    col("query", "query", Format.CUT))));
            out.addAll(capacitySections());
            return out;
        });
    }

    /** The statement's plan history (its two newest shapes), or an empty array when it has none. */
    private JsonNode planHistory(String queryid) {
        try {
            return data(performance.planHistory(queryid, "2")).path("plans");
        } catch (RuntimeException e) {
            return json.createArrayNode();
        }
    }

    /** The sparkline's points (oldest first, by their times) at which a newer plan shape was first seen. */
    private static List<Integer> planChanges(JsonNode plans, List<String> times) {
        List<Integer> out = new ArrayList<>();
        for (int v = 0; v + 1 < plans.size(); v++) {
            String first = plans.get(v).path("first_seen").asText("");
            for (int i = 0; i < times.size(); i++) {
                if (!times.get(i).isEmpty() && times.get(i).compareTo(first) >= 0) {
                    out.add(i);
                    break;
                }
            }
        }
        return out;
    }

    /** The latest two shapes side by side, with what changed and why. */
    private Section planSideBySide(JsonNode plans) {
        if (plans.size() < 2) {
            return PageView.text("Plan changes", plans.size() == 1 ? "One plan shape recorded since "
                    + PageView.format(plans.get(0).path("first_seen"), Format.TIME) + "; no change." : "No plan recorded "
                    + "yet (the top statements are planned every pgsidecar.plans.plan-interval).", null);
        }
        JsonNode now = plans.get(0);
        JsonNode before = plans.get(1);
        List<JsonNode> rows = new ArrayList<>();
        int lines = Math.max(before.path("shape").size(), now.path("shape").size());
        for (int i = 0; i < lines && i < 60; i++) {
            ObjectNode r = json.createObjectNode();
            r.put("before", before.path("shape").path(i).asText(""));
            r.put("now", now.path("shape").path(i).asText(""));
            rows.add(r);
        }
        List<String> why = new ArrayList<>();
        now.path("causes").forEach(c -> why.add(c.path("detail").asText()));
        return PageView.table("Plan changes", "Changed at " + PageView.format(now.path("first_seen"), Format.TIME) + ": "
                + String.join("; ", texts(now.path("difference_to_previous"))) + "."
                + (why.isEmpty() ? "" : " Likely causes: " + String.join("; ", why) + "."),
                json.valueToTree(rows), List.of(col("before (until " + PageView.format(before.path("last_seen"),
                        Format.TIME) + ")", "before", Format.TEXT), col("now", "now", Format.TEXT)));
    }

    /** Vacuum and wraparound, what runs out, checkpoints: the capacity reads on the Activity page. */
    private List<Section> capacitySections() {
        List<Section> out = new ArrayList<>();
        JsonNode v = data(activity.vacuum());
        out.add(section("Wraparound", () -> {
            List<PageView.Figure> f = new ArrayList<>();
            for (String kind : List.of("xid", "multixact")) {
                JsonNode e = v.at("/wraparound/" + kind);
                f.add(figure(kind + " oldest age", e, "oldest_age", Format.NUMBER));
                f.add(figure(kind + " to the limit", e, "seconds_to_limit", Format.SECONDS));
            }
            return PageView.figures("Wraparound", "The server stops assigning ids 3 million short of 2^31; the time to "
                    + "that is at the rate measured. Read " + PageView.format(v.path("captured_at"), Format.TIME) + ".", f);
        }));
        out.add(section("Vacuums running", () -> PageView.table("Vacuums running", null, v.at("/vacuum/running"),
                List.of(col("pid", "pid", Format.TEXT), col("relation", "relation", Format.TEXT),
                        col("autovacuum", "autovacuum", Format.TEXT), col("wraparound", "to_prevent_wraparound",
                                Format.TEXT), col("phase", "phase", Format.TEXT),
                        col("scanned", "scanned_ratio", Format.RATIO), col("running", "running_seconds", Format.SECONDS)))));
        out.add(section("Autovacuum owes", () -> PageView.table("Tables autovacuum owes most", v.at("/vacuum/overdue_count")
                        .asInt() + " table(s) past their threshold.", v.at("/vacuum/overdue"), List.of(
                        col("table", "table", Format.TEXT), col("dead rows", "dead_rows", Format.NUMBER),
                        col("threshold", "threshold", Format.NUMBER), col("of threshold", "ratio", Format.RATIO),
                        col("since vacuum", "seconds_since_vacuum", Format.SECONDS)))));
        out.add(section("Sequences", () -> {
            JsonNode r = data(activity.runsOut());
            return PageView.table("Sequences", "Against the smaller of their maximum and the integer column they feed; "
                    + r.path("sequences_unreadable").asInt() + " not readable by the agent.", r.path("sequences"), List.of(
                    col("sequence", "sequence", Format.TEXT), col("used", "used_ratio", Format.RATIO),
                    col("limited by", "limited_by", Format.TEXT), col("column", "column", Format.TEXT),
                    col("runs out", "exhausted_at", Format.TIME)));
        }));
        out.add(section("Bloat and growth", () -> {
            JsonNode r = data(activity.runsOut());
            return PageView.table("Table bloat (estimated)", "Database size " + PageView.format(r.at("/database_size/current"),
                    Format.BYTES) + ", growing " + PageView.format(r.at("/database_size/per_day"), Format.BYTES) + " a day; WAL "
                    + PageView.format(r.at("/wal/per_second"), Format.BYTES) + " a second.", r.path("bloat"), List.of(
                    col("table", "table", Format.TEXT), col("size", "bytes", Format.BYTES),
                    col("wasted", "wasted_bytes", Format.BYTES), col("share", "ratio", Format.RATIO)));
        }));
        out.add(section("Checkpoints", () -> {
            JsonNode io = data(activity.io());
            JsonNode cp = io.path("checkpoints");
            return PageView.figures("Checkpoints", "Requested checkpoints come when WAL fills max_wal_size.", List.of(
                    figure("timed", cp, "timed", Format.NUMBER), figure("requested", cp, "requested", Format.NUMBER),
                    figure("timed, last hour", cp, "timed_last_hour", Format.NUMBER),
                    figure("requested, last hour", cp, "requested_last_hour", Format.NUMBER),
                    figure("write time", cp, "write_seconds", Format.SECONDS),
                    figure("sync time", cp, "sync_seconds", Format.SECONDS)));
        }));
        return out;
    }

    /** Rows with their waits in words ({@code Lock:transactionid 60 %, CPU 40 %}) as {@code waits_text}. */
    private JsonNode withWaitsText(JsonNode rows) {
        List<JsonNode> out = new ArrayList<>();
        rows.forEach(row -> {
            ObjectNode r = row.deepCopy();
            List<String> parts = new ArrayList<>();
            row.path("wait_events").forEach(e -> parts.add(e.path("wait_class").asText()
                    + (e.path("wait_event").isTextual() ? ":" + e.path("wait_event").asText() : "")
                    + String.format(java.util.Locale.ROOT, " %.0f %%", e.path("share").asDouble() * 100)));
            r.put("waits_text", String.join(", ", parts));
            out.add(r);
        });
        return json.valueToTree(out);
    }

    /** A blocking tree as table rows, depth first, each session's pid indented by its depth. */
    private void flatten(JsonNode node, int depth, List<JsonNode> rows) {
        if (rows.size() >= 200) {
            return;
        }
        ObjectNode r = node.deepCopy();
        r.remove("waiters");
        r.put("tree", "· ".repeat(depth) + node.path("pid").asText());
        r.set("holds", json.valueToTree(texts(node.path("holds"))));
        rows.add(r);
        node.path("waiters").forEach(w -> flatten(w, depth + 1, rows));
    }

    @GET
    @Path("/ui/replicas")
    public Response replicaPage(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Replicas", "replicas", () -> {
            JsonNode d = data(replicas.status());
            List<Section> out = new ArrayList<>();
            out.add(PageView.table("Read replicas", "Polled " + PageView.format(d.path("captured_at"), Format.TIME)
                    + "; reads are routed by " + d.path("load_balancing").asText() + ".", d.path("replicas"), List.of(
                    col("name", "name", Format.TEXT), col("healthy", "healthy", Format.STATE),
                    col("lag", "lag_seconds", Format.SECONDS), col("lag bytes", "lag_bytes", Format.BYTES),
                    col("max lag", "max_lag_seconds", Format.SECONDS), col("connections", "active_connections",
                            Format.NUMBER), col("weight", "weight", Format.NUMBER),
                    col("problems", "problems", Format.CUT))));
            out.add(PageView.table("Standbys seen by the primary", null, d.at("/primary/standbys"), List.of(
                    col("application", "application_name", Format.TEXT), col("state", "state", Format.TEXT),
                    col("sync", "sync_state", Format.TEXT), col("replay lag", "replay_lag_seconds", Format.SECONDS))));
            out.add(PageView.table("Replication slots", null, d.at("/primary/slots"), List.of(
                    col("slot", "name", Format.TEXT), col("active", "active", Format.STATE),
                    col("WAL status", "wal_status", Format.TEXT), col("WAL retained", "retained_bytes", Format.BYTES))));
            return out;
        });
    }

    @GET
    @Path("/ui/alerts")
    public Response alertPage(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Alerts", "alerts", () -> alertSections());
    }

    /** Adds a silence from the form; audited like {@code POST .../alerts/silences} (it is that call). */
    @POST
    @Path("/ui/alerts/silences")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addSilence(@CookieParam(PageSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
                               @FormParam("name") String name, @FormParam("value") String value,
                               @FormParam("duration") String duration, @FormParam("comment") String comment) {
        return submit(cookie, csrf, "Alerts", "alerts", this::alertSections, () -> {
            ObjectNode body = json.createObjectNode();
            ObjectNode matcher = body.putArray("matchers").addObject();
            matcher.put("name", name == null || name.isBlank() ? "alertname" : name.strip());
            matcher.put("value", value);
            body.put("duration", duration);
            body.put("comment", comment);
            JsonNode d = data(alerts.silence(null, body));
            return new Done("Silence " + d.at("/silence/id").asText() + " added; it ends "
                    + PageView.format(d.at("/silence/ends_at"), Format.TIME) + " and matches "
                    + d.path("matching_alerts").size() + " open alert(s).", List.of());
        });
    }

    @GET
    @Path("/ui/operations")
    public Response operations(@CookieParam(PageSessions.COOKIE) String cookie) {
        return page(cookie, "Maintenance, partitions, indexes", "operations", () -> operationSections());
    }

    /** Runs a maintenance task from the form (a dry run unless unticked); audited like the API call it is. */
    @POST
    @Path("/ui/maintenance/run")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response runTask(@CookieParam(PageSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
                            @FormParam("task") String task, @FormParam("dry_run") String dryRun) {
        return submit(cookie, csrf, "Maintenance, partitions, indexes", "operations", this::operationSections, () -> {
            boolean dry = dryRun != null;
            ObjectNode body = json.createObjectNode();
            body.put("dry_run", dry);
            body.put("reason", "status page");
            Response r = maintenance.run(task, null, body);
            JsonNode d = json.valueToTree(((ApiResponse<?>) r.getEntity()).data());
            if (!dry) {
                return new Done("Run " + d.path("run_id").asText() + " of " + task + " started.", List.of());
            }
            return new Done("Plan of " + task + " (nothing was run):", List.of(PageView.table("Plan of " + task,
                    d.path("message").asText(null), d.path("items"), List.of(col("target", "target", Format.TEXT),
                            col("action", "action", Format.TEXT), col("SQL", "sql", Format.CUT),
                            col("why", "why", Format.CUT)))));
        });
    }

    // ---- forms ----

    /** What a form did: the message shown above the page, and any sections shown before the page's own. */
    private record Done(String message, List<Section> sections) {
    }

    /**
     * A form post: the session and its CSRF token checked, the action run (it is the API call it stands
     * for, audited as such), then the page again with the action's message, or its error and status.
     */
    private Response submit(String cookie, String csrf, String title, String active, Supplier<List<Section>> page,
                            Supplier<Done> action) {
        Optional<PageSessions.Session> session = sessions.verify(cookie);
        Response refused = refused(session, csrf);
        if (refused != null) {
            return refused;
        }
        Done done;
        int status = 200;
        try {
            done = action.get();
        } catch (RuntimeException e) {
            done = new Done(e.getMessage(), List.of());
            status = status(e);
        }
        List<Section> sections = new ArrayList<>(done.sections());
        sections.addAll(page.get());
        return render(status, new PageView(title, active, session.get().csrf(), done.message(), status != 200,
                sections, active.equals("alerts"), active.equals("operations"), TASKS));
    }

    // ---- building pages ----

    private Response page(String cookie, String title, String active, Supplier<List<Section>> sections) {
        if (!config.statusPage().enabled()) {
            return notFound();
        }
        Optional<PageSessions.Session> session = sessions.verify(cookie);
        if (session.isEmpty()) {
            return Response.seeOther(URI.create(LOGIN)).header("Cache-Control", "no-store").build();
        }
        List<Section> out;
        String message = null;
        int status = 200;
        try {
            out = sections.get();
        } catch (RuntimeException e) {
            out = List.of();
            message = e.getMessage();
            status = status(e);
        }
        return render(status, new PageView(title, active, session.get().csrf(), message, status != 200, out,
                active.equals("alerts"), active.equals("operations"), TASKS));
    }

    private List<Section> alertSections() {
        List<Section> out = new ArrayList<>();
        out.add(section("Alerts", () -> PageView.table("Alerts", "Open ones first, then the newest.",
                data(alerts.alerts("all", "50")), List.of(col("alert", "alertname", Format.TEXT),
                        col("severity", "severity", Format.STATE), col("state", "state", Format.STATE),
                        col("since", "firing_since", Format.TIME), col("value", "value", Format.NUMBER),
                        col("summary", "summary", Format.CUT), col("silenced by", "silenced_by", Format.TEXT)))));
        out.add(section("Active silences", () -> {
            JsonNode list = data(alerts.silences());
            List<JsonNode> rows = new ArrayList<>();
            list.forEach(sil -> {
                ObjectNode r = sil.deepCopy();
                List<String> ms = new ArrayList<>();
                sil.path("matchers").forEach(m -> ms.add(m.path("name").asText() + (m.path("is_regex").asBoolean()
                        ? "=~" : "=") + m.path("value").asText()));
                r.put("matchers_text", String.join(", ", ms));
                rows.add(r);
            });
            return PageView.table("Active silences", null, json.valueToTree(rows), List.of(col("id", "id", Format.TEXT),
                    col("matchers", "matchers_text", Format.CUT), col("ends", "ends_at", Format.TIME),
                    col("by", "created_by", Format.TEXT), col("comment", "comment", Format.CUT)));
        }));
        return out;
    }

    private List<Section> operationSections() {
        List<Section> out = new ArrayList<>();
        out.add(section("Maintenance", () -> {
            JsonNode d = data(maintenance.status());
            return PageView.table("Maintenance tasks", d.path("enabled").asBoolean() ? "Scheduled maintenance is on."
                    : "Scheduled maintenance is off (" + SettingNames.env("pgsidecar.maintenance.enabled")
                            + "); tasks run only when asked.", d.path("tasks"),
                    List.of(col("task", "task", Format.TEXT), col("scheduled", "scheduled", Format.TEXT),
                            col("schedule", "schedule", Format.TEXT), col("next run", "next_run", Format.TIME),
                            col("last outcome", "last_run.outcome", Format.STATE),
                            col("last run", "last_run.started_at", Format.TIME),
                            col("last success", "last_success", Format.TIME)));
        }));
        out.add(section("Partitions", () -> {
            JsonNode d = data(partitions.status());
            return PageView.table("Partitioned tables", d.path("enabled").asBoolean() ? "Partition management is on."
                    : "Partition management is off ("
                    + SettingNames.env("pgsidecar.partitions.enabled") + ").", d.path("tables"), List.of(
                    col("table", "table", Format.TEXT), col("managed by", "managed_by", Format.TEXT),
                    col("partitions", "partition_count", Format.NUMBER),
                    col("runway", "runway_intervals", Format.NUMBER), col("default rows", "default_rows", Format.NUMBER),
                    col("last job", "last_job.outcome", Format.STATE), col("problems", "problems", Format.CUT)));
        }));
        out.add(section("Indexes", () -> {
            JsonNode d = data(indexes.analysis("false"));
            return PageView.table("Index recommendations", "Analysis " + PageView.format(d.path("computed_at"),
                    Format.TIME) + "; unused " + d.path("unused_indexes").size() + ", duplicate "
                    + d.path("duplicate_indexes").size() + ", invalid " + d.path("invalid_indexes").size()
                    + ", bloated " + d.path("bloated_indexes").size() + ".", d.path("recommendations"), List.of(
                    col("priority", "priority", Format.TEXT), col("table", "table", Format.TEXT),
                    col("validated", "validated", Format.STATE), col("saves", "ms_per_hour_saved", Format.MS),
                    col("SQL", "sql", Format.CUT)));
        }));
        return out;
    }

    /** One section, or the reason it cannot be shown: one unreadable part never takes the page down. */
    private static Section section(String title, Supplier<Section> build) {
        try {
            return build.get();
        } catch (RuntimeException e) {
            return PageView.unavailable(title, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private JsonNode data(ApiResponse<?> r) {
        return json.valueToTree(r.data());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private Response render(int status, PageView view) {
        return html(status, PageHtml.page(view));
    }

    /** An HTML answer with the page's security headers. */
    static Response html(int status, String body) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(body)
                .header("Content-Security-Policy", CSP).header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store").build();
    }

    /**
     * The status a failure answers with, as the API would (an unknown statement 404, a bad field 400,
     * the database down 503); anything unexpected is logged and answered 500.
     */
    private static int status(RuntimeException e) {
        if (e instanceof ApiException a) {
            return a.status();
        }
        return ErrorTable.of(e).map(ErrorTable.Mapping::status).orElseGet(() -> {
            LOG.error("status page: unexpected error", e);
            return 500;
        });
    }

    /** Why a form post is not carried out (no session: to the login; a wrong CSRF token: 403), or null. */
    private static Response refused(Optional<PageSessions.Session> session, String csrf) {
        if (session.isEmpty()) {
            return Response.seeOther(URI.create(LOGIN)).build();
        }
        return PageSessions.csrfMatches(session.get(), csrf) ? null : forbidden();
    }

    private static Response forbidden() {
        return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE).entity("the form is stale or not from this page "
                + "(CSRF token); reload the page and try again").header("Cache-Control", "no-store").build();
    }

    private static Response notFound() {
        return Response.status(404).type(MediaType.TEXT_PLAIN_TYPE).entity("no status page here "
                + "(pgsidecar.admin.status-page.enabled=false)").build();
    }

    /** The session cookie: HttpOnly, SameSite=Strict, Secure when the page came over HTTPS. */
    private static NewCookie cookie(String value, int maxAge, UriInfo uri) {
        return new NewCookie.Builder(PageSessions.COOKIE).value(value).path("/").maxAge(maxAge).httpOnly(true)
                .secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme()))
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
