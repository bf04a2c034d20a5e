package io.pgsidecar.testing;

import io.pgsidecar.admin.ActivityResource;
import io.pgsidecar.admin.AlertsResource;
import io.pgsidecar.admin.DatabaseAdminResource;
import io.pgsidecar.admin.MaintenanceResource;
import io.pgsidecar.admin.IndexesResource;
import io.pgsidecar.admin.PartitionsResource;
import io.pgsidecar.admin.PerformanceResource;
import io.pgsidecar.admin.ReplicasResource;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every route of the admin API as its resource classes declare it ({@code "GET /health"}), so a
 * test that means to call every endpoint can prove it does: a new route fails it until it is called.
 */
public final class AdminRoutes {

    public static final String BASE = "/api/v1/admin/database";
    public static final List<Class<?>> RESOURCES = List.of(DatabaseAdminResource.class, PerformanceResource.class,
            ReplicasResource.class, AlertsResource.class, MaintenanceResource.class,
            PartitionsResource.class, IndexesResource.class, ActivityResource.class);

    /** One call: the route it exercises and the concrete request. */
    public record Call(String method, String route, String path, String body) {

        public String name() {
            return method + " " + route;
        }
    }

    private AdminRoutes() {
    }

    public static Set<String> declared() {
        Set<String> out = new TreeSet<>();
        for (Class<?> r : RESOURCES) {
            String base = r.getAnnotation(Path.class).value().substring(BASE.length());
            for (Method m : r.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb != null) {
                    Path p = m.getAnnotation(Path.class);
                    out.add(verb + " " + base + (p == null ? "" : p.value()));
                }
            }
        }
        return out;
    }

    /**
     * One call of every route: GETs, and a dry run of every call that changes something (the silence
     * expiry and the live replica check have none: they are real).
     *
     * @param queryid a query id for the statement routes
     * @param replica a replica name for the live check
     * @param silenceId a silence to expire
     * @param maintenanceRun a maintenance run to look at (cancelled as a dry run)
     * @param partitioned a range-partitioned table ({@code schema.table}) by a timestamptz column {@code created_at}
     * @param indexBuild an index build to look at
     * @param sessionPid a client session of the test's database to cancel and terminate as a dry run
     */
    public static List<Call> everyCall(String queryid, String replica, long silenceId, long maintenanceRun,
                                       String partitioned, long indexBuild, int sessionPid) {
        String dryRun = "{\"dry_run\": true, \"reason\": \"calling every route\"}";
        return List.of(
                new Call("GET", "/health", "/health", null),
                new Call("GET", "/pool", "/pool", null),
                new Call("GET", "/leader", "/leader", null),
                new Call("GET", "/rights", "/rights", null),
                new Call("POST", "/leader/step-down", "/leader/step-down", dryRun),
                new Call("GET", "/audit", "/audit", null),
                new Call("GET", "/collectors", "/collectors", null),
                new Call("GET", "/performance/stats", "/performance/stats", null),
                new Call("GET", "/performance/queries/{queryid}", "/performance/queries/" + queryid, null),
                new Call("GET", "/performance/queries/{queryid}/plan", "/performance/queries/" + queryid + "/plan", null),
                new Call("GET", "/performance/queries/{queryid}/plans", "/performance/queries/" + queryid + "/plans", null),
                new Call("GET", "/performance/connections", "/performance/connections", null),
                new Call("POST", "/performance/reset", "/performance/reset", dryRun),
                new Call("GET", "/replicas/status", "/replicas/status", null),
                new Call("POST", "/replicas/{replica_name}/health", "/replicas/" + replica + "/health", null),
                new Call("GET", "/replicas/route", "/replicas/route", null),
                new Call("GET", "/alerts", "/alerts", null),
                new Call("GET", "/alerts/rules", "/alerts/rules", null),
                new Call("GET", "/alerts/silences", "/alerts/silences", null),
                new Call("POST", "/alerts/silences", "/alerts/silences",
                        "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\",\"is_regex\":false}],"
                                + "\"duration\":\"2h\",\"comment\":\"calling every route\",\"dry_run\":true}"),
                new Call("DELETE", "/alerts/silences/{id}", "/alerts/silences/" + silenceId, null),
                new Call("GET", "/maintenance/status", "/maintenance/status", null),
                new Call("POST", "/maintenance/tasks/{task_name}/run", "/maintenance/tasks/update_statistics/run", dryRun),
                new Call("GET", "/maintenance/runs", "/maintenance/runs", null),
                new Call("GET", "/maintenance/runs/{id}", "/maintenance/runs/" + maintenanceRun, null),
                new Call("POST", "/maintenance/runs/{id}/cancel", "/maintenance/runs/" + maintenanceRun + "/cancel", dryRun),
                new Call("GET", "/partitions/status", "/partitions/status", null),
                new Call("GET", "/partitions/analyze", "/partitions/analyze", null),
                new Call("POST", "/partitions/create", "/partitions/create", "{\"table_name\": \"" + partitioned
                        + "\", \"column_name\": \"created_at\", \"start_date\": \"2026-01-01\", \"end_date\": "
                        + "\"2026-03-01\", \"interval\": \"month\", \"dry_run\": true}"),
                new Call("POST", "/partitions/{table_name}/cleanup", "/partitions/" + partitioned + "/cleanup",
                        "{\"dry_run\": true, \"retention_months\": 12}"),
                new Call("GET", "/indexes/status", "/indexes/status", null),
                new Call("GET", "/indexes/analysis", "/indexes/analysis", null),
                new Call("POST", "/indexes/create", "/indexes/create", "{\"table_name\": \"" + partitioned
                        + "\", \"columns\": [\"created_at\"], \"dry_run\": true}"),
                new Call("POST", "/indexes/create-recommended", "/indexes/create-recommended", dryRun),
                new Call("GET", "/indexes/jobs/{id}", "/indexes/jobs/" + indexBuild, null),
                new Call("GET", "/activity/blocking", "/activity/blocking", null),
                new Call("GET", "/activity/waits", "/activity/waits?window=5m", null),
                new Call("GET", "/activity/vacuum", "/activity/vacuum", null),
                new Call("GET", "/activity/capacity", "/activity/capacity", null),
                new Call("GET", "/activity/io", "/activity/io", null),
                new Call("POST", "/activity/sessions/{pid}/cancel", "/activity/sessions/" + sessionPid + "/cancel", dryRun),
                new Call("POST", "/activity/sessions/{pid}/terminate", "/activity/sessions/" + sessionPid + "/terminate",
                        dryRun));
    }

    /** The routes {@code calls} exercise, to compare with {@link #declared()}. */
    public static Set<String> called(List<Call> calls) {
        Set<String> out = new TreeSet<>();
        calls.forEach(c -> out.add(c.name()));
        return out;
    }
}
