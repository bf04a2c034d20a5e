package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.activity.ActivityService;
import io.pgsidecar.activity.BlockingSnapshot;
import io.pgsidecar.activity.SessionSignals;
import io.pgsidecar.activity.WaitsReport;
import io.pgsidecar.capacity.CapacityPoller;
import io.pgsidecar.capacity.CapacitySnapshot;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Incidents: who blocks whom, what the sessions wait for, and cancel or terminate of one session. */
@Path("/api/v1/admin/database/activity")
@Produces(MediaType.APPLICATION_JSON)
public class ActivityResource {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smh])");
    static final int MAX_LIMIT = 100;

    /** Body of cancel and terminate. */
    @RegisterForReflection
    public record SignalRequest(Boolean dryRun, String reason, String backendStart, List<String> force) {
    }

    private final ActivityService activity;
    private final SessionSignals signals;
    private final AuditContext audit;
    private final Bodies bodies;
    private final CapacityPoller capacity;

    public ActivityResource(ActivityService activity, SessionSignals signals, AuditContext audit, Bodies bodies,
                            CapacityPoller capacity) {
        this.activity = activity;
        this.capacity = capacity;
        this.signals = signals;
        this.audit = audit;
        this.bodies = bodies;
    }

    @GET
    @Path("/blocking")
    @Operation(summary = "Who blocks whom", description = "From the latest blocking read (every "
            + "`pgsidecar.activity.blocking-interval` while a session waits on a lock): each root blocker with its "
            + "text, state, transaction age, application, client and the locks others wait for, and the tree of the "
            + "sessions waiting on it; the lock waits by object and mode; the database's deadlocks.")
    public ApiResponse<BlockingSnapshot> blocking() {
        return ApiResponse.success(activity.blocking());
    }

    @GET
    @Path("/waits")
    @Operation(summary = "What the sessions waited for", description = "From the samples of "
            + "pg_stat_activity the leader takes every `pgsidecar.activity.sample-interval`, over a window: the top "
            + "waits overall (CPU is a session active without a wait event), per application and per query id (with "
            + "its text), and the window in buckets by wait class. A follower keeps no samples and answers "
            + "`sampled_here: false`: ask the leader.")
    @APIResponse(responseCode = "200", description = "The waits over the window.")
    public ApiResponse<WaitsReport> waits(
            @Parameter(description = "How far back: a number and s, m or h (`5m`), at most "
                    + "`pgsidecar.activity.history` (the default).", schema = @Schema(type = SchemaType.STRING))
            @QueryParam("window") String windowParam,
            @Parameter(description = "Rows in each list.", schema = @Schema(type = SchemaType.INTEGER,
                    defaultValue = "10", minimum = "1", maximum = "100"))
            @QueryParam("limit") String limitParam) {
        Duration history = activity.config().history();
        Duration window = window(windowParam, history);
        int limit = Params.intInRange("limit", limitParam, 10, 1, MAX_LIMIT);
        return ApiResponse.success(activity.waits(window, limit));
    }

    @GET
    @Path("/vacuum")
    @Operation(summary = "Autovacuum and wraparound", description = "From the leader's latest read (every "
            + "`pgsidecar.capacity.interval`): the vacuums running now with their progress (every field of "
            + "pg_stat_progress_vacuum this version has), the tables autovacuum owes most (dead rows against each "
            + "table's own threshold, time since its last vacuum), and the transaction-id and multixact ages of every "
            + "database and of this database's oldest tables, with the estimated time to the limit at the rate "
            + "measured.")
    public ApiResponse<Map<String, Object>> vacuum() {
        CapacitySnapshot s = capacity.latest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("captured_at", s.capturedAt());
        out.put("vacuum", s.vacuum());
        out.put("wraparound", s.wraparound());
        return ApiResponse.success(out);
    }

    @GET
    @Path("/capacity")
    @Operation(summary = "What runs out", description = "From the leader's latest reads (sequences, bloat and size "
            + "every `pgsidecar.capacity.size-interval`): sequences against the smaller of their maximum and the "
            + "integer column they feed, with the date at the rate measured; the table bloat estimate; the "
            + "database's size and the WAL generation rate with their growth; the replication slots and the WAL each "
            + "retains.")
    public ApiResponse<CapacitySnapshot.RunsOutView> runsOut() {
        return ApiResponse.success(capacity.latest().runsOut());
    }

    @GET
    @Path("/io")
    @Operation(summary = "Checkpoints and IO", description = "The server's checkpoint and background-writer counters "
            + "(pg_stat_checkpointer from 17, pg_stat_bgwriter before), the last hour's timed and requested "
            + "checkpoints, and pg_stat_io by kind of process (16+).")
    public ApiResponse<CapacitySnapshot.IoView> io() {
        return ApiResponse.success(capacity.latest().io());
    }

    @POST
    @Path("/sessions/{pid}/cancel")
    @Operation(summary = "Cancel a session's statement", description = SIGNAL_DOC)
    @APIResponse(responseCode = "200", description = "The session and the statement that signalled it (or would).")
    @APIResponse(responseCode = "403", description = NO_PERMISSION)
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "409", description = SESSION_CHANGED)
    @APIResponse(responseCode = "422", description = REFUSED)
    public ApiResponse<SessionSignals.Answer> cancel(
            @Parameter(description = "The session's pid.", schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("pid") String pid,
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalRequest.class))) JsonNode json) {
        return signal(SessionSignals.Kind.CANCEL, pid, dryRunParam, json);
    }

    @POST
    @Path("/sessions/{pid}/terminate")
    @Operation(summary = "Terminate a session", description = SIGNAL_DOC)
    @APIResponse(responseCode = "200", description = "The session and the statement that signalled it (or would).")
    @APIResponse(responseCode = "403", description = NO_PERMISSION)
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "409", description = SESSION_CHANGED)
    @APIResponse(responseCode = "422", description = REFUSED)
    public ApiResponse<SessionSignals.Answer> terminate(
            @Parameter(description = "The session's pid.", schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("pid") String pid,
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalRequest.class))) JsonNode json) {
        return signal(SessionSignals.Kind.TERMINATE, pid, dryRunParam, json);
    }

    static final String NO_PERMISSION = "`no_permission`: the acting role may not signal other roles' sessions; "
            + "`details.lacking` names the GRANT.";
    static final String NOT_FOUND = "`not_found`: no session has this pid.";
    static final String SESSION_CHANGED = "`session_changed`: the pid is not the session judged (`backend_start` "
            + "differs: it ended, and the pid may be another session's). Nothing was signalled.";
    static final String REFUSED = "`refused`: signalling is off, the session is the agent's, replication or an "
            + "autovacuum preventing wraparound (unless forced by name), in another database, or a server process.";
    static final String SIGNAL_DOC = "Dry run first: it answers the session as read now, with its `backend_start`, "
            + "and the exact statement. The signal itself needs that `backend_start` in the body and re-checks it in "
            + "the same statement, so a pid reused by another session is never signalled. The agent's own sessions, "
            + "replication and an autovacuum preventing wraparound are refused unless `force` names them "
            + "(`agent_session`, `replication`, `wraparound_autovacuum`). Off unless "
            + "`pgsidecar.activity.signal-sessions` is true; audited.";

    private ApiResponse<SessionSignals.Answer> signal(SessionSignals.Kind kind, String pidParam, String dryRunParam,
                                                      JsonNode json) {
        audit.action("activity." + kind.action()).param("pid", pidParam);
        int pid = pid(pidParam);
        SignalRequest req = bodies.read(json, SignalRequest.class);
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || (req != null && Boolean.TRUE.equals(req.dryRun()));
        audit.param("dry_run", dryRun);
        Optional<String> start = Optional.ofNullable(req).map(SignalRequest::backendStart)
                .map(s -> Params.text("backend_start", s)).map(String::strip);
        if (start.isPresent() && start.get().length() > 40) {
            throw new ApiException.InvalidParameter("backend_start", start.get().substring(0, 40) + "...",
                    "expected the backend_start a dry run answered");
        }
        start.ifPresent(s -> audit.param("backend_start", s));
        Set<String> force = new TreeSet<>();
        if (req != null && req.force() != null) {
            if (req.force().size() > SessionSignals.FORCES.size()) {
                throw new ApiException.InvalidParameter("force", req.force().size() + " names",
                        "expected at most " + SessionSignals.FORCES.size() + " of " + new TreeSet<>(SessionSignals.FORCES));
            }
            for (String f : req.force()) {
                if (f == null || !SessionSignals.FORCES.contains(f)) {
                    throw new ApiException.InvalidParameter("force", String.valueOf(f),
                            "expected names from " + new TreeSet<>(SessionSignals.FORCES));
                }
                force.add(f);
            }
            audit.param("force", List.copyOf(force));
        }
        ChangeRequest.reason(req == null ? null : req.reason(), audit);
        SessionSignals.Answer answer = signals.signal(kind, pid, start, dryRun, force);
        if (answer.session() != null) {
            audit.param("application_name", answer.session().applicationName())
                    .param("user", answer.session().user());
        }
        return ApiResponse.success(answer);
    }

    private static int pid(String raw) {
        try {
            int pid = Integer.parseInt(raw.trim());
            if (pid <= 0) {
                throw new NumberFormatException();
            }
            return pid;
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter("pid", raw, "expected a process id (a whole number above zero)");
        }
    }

    /** A window such as {@code 5m}: at least a second, at most {@code history}; the history when absent. */
    static Duration window(String raw, Duration history) {
        if (raw == null || raw.isBlank()) {
            return history;
        }
        Matcher m = DURATION.matcher(raw.trim());
        String expected = "expected a number and s, m or h (5m), from 1s to " + history.toSeconds() + "s (the history)";
        if (!m.matches()) {
            throw new ApiException.InvalidParameter("window", raw, expected);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero() || d.compareTo(history) > 0) {
            throw new ApiException.InvalidParameter("window", raw, expected);
        }
        return d;
    }
}
