package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.alerts.Alert;
import io.pgsidecar.alerts.AlertEngine;
import io.pgsidecar.alerts.AlertState;
import io.pgsidecar.alerts.AlertStore;
import io.pgsidecar.alerts.Matcher;
import io.pgsidecar.alerts.RuleStatuses.RulesView;
import io.pgsidecar.alerts.Silence;
import io.pgsidecar.alerts.Silences;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Alerts: the current and past ones, the rules, and silences. */
@Path("/api/v1/admin/database/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {

    static final Set<String> STATES = Set.of("firing", "pending", "resolved", "all");
    static final int MAX_LIMIT = 1000;

    /** Body of {@code POST .../alerts/silences}. */
    @RegisterForReflection
    public record SilenceRequest(List<Matcher> matchers, String duration, String comment, Boolean dryRun) {
    }

    private final AlertStore store;
    private final AlertEngine engine;
    private final Bodies bodies;
    private final AuditContext audit;

    public AlertsResource(AlertStore store, AlertEngine engine, Bodies bodies, AuditContext audit) {
        this.store = store;
        this.engine = engine;
        this.bodies = bodies;
        this.audit = audit;
    }

    @GET
    @Operation(summary = "Alerts, newest first", description = "Open and past alerts with their state, "
            + "severity, labels, value, runbook and the silence that holds them back, if any.")
    public ApiResponse<List<Alert>> alerts(
            @Parameter(description = "Only alerts in this state.", schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"firing", "pending", "resolved", "all"}, defaultValue = "all"))
            @QueryParam("state") String stateParam,
            @Parameter(description = "How many alerts.", schema = @Schema(type = SchemaType.INTEGER,
                    defaultValue = "100", minimum = "1", maximum = "1000"))
            @QueryParam("limit") String limitParam) {
        String state = stateParam == null || stateParam.isBlank() ? "all" : stateParam.trim().toLowerCase(Locale.ROOT);
        if (!STATES.contains(state)) {
            throw new ApiException.InvalidParameter("state", stateParam, "expected firing, pending, resolved or all");
        }
        int limit = Params.intInRange("limit", limitParam, 100, 1, MAX_LIMIT);
        Optional<AlertState> wanted = state.equals("all") ? Optional.empty() : Optional.of(AlertState.of(state));
        return ApiResponse.success(store.list(wanted, limit, store.activeSilences(), Instant.now()));
    }

    @GET
    @Path("/rules")
    @Operation(summary = "The alert rules", description = "Each rule with its thresholds, durations and severity "
            + "as configured, and where notifications go.")
    public ApiResponse<RulesView> rules() {
        return ApiResponse.success(engine.rulesView());
    }

    @GET
    @Path("/silences")
    @Operation(summary = "Active silences")
    public ApiResponse<List<Silence>> silences() {
        return ApiResponse.success(store.activeSilences());
    }

    /**
     * Creates a silence. Alerts matching all matchers stay visible here (with {@code silenced_by}) but
     * are not sent to Alertmanager or webhooks until it ends.
     */
    @POST
    @Path("/silences")
    @Operation(summary = "Add a silence", description = "Alerts matching all matchers stay listed (with "
            + "`silenced_by`) but are not sent to Alertmanager or webhooks until it ends. The answer lists the "
            + "open alerts it silences.")
    public ApiResponse<Map<String, Object>> silence(
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SilenceRequest.class)))
            JsonNode json) {
        audit.action("alerts.silence");
        SilenceRequest req = bodies.read(json, SilenceRequest.class);
        if (req == null) {
            throw new ApiException.InvalidParameter("body", "(none)",
                    "expected {\"matchers\": [{\"name\": ..., \"value\": ...}], \"duration\": \"2h\", \"comment\": ...}");
        }
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || Boolean.TRUE.equals(req.dryRun());
        audit.param("dry_run", dryRun);
        List<Matcher> matchers;
        try {
            matchers = Silences.validateMatchers(req.matchers());
        } catch (IllegalArgumentException e) {
            throw new ApiException.InvalidParameter("matchers", String.valueOf(req.matchers()), e.getMessage());
        }
        Duration duration;
        try {
            duration = Silences.parseDuration(req.duration());
        } catch (IllegalArgumentException e) {
            throw new ApiException.InvalidParameter("duration", req.duration(), e.getMessage());
        }
        if (req.comment() == null || req.comment().isBlank() || req.comment().length() > ChangeRequest.MAX_REASON) {
            throw new ApiException.InvalidParameter("comment", req.comment() == null ? "(none)"
                    : req.comment().substring(0, Math.min(20, req.comment().length())),
                    "expected why, 1 to " + ChangeRequest.MAX_REASON + " characters");
        }
        audit.param("matchers", matchers.toString()).param("duration", duration.toString())
                .param("comment", req.comment());
        Instant now = Instant.now();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dry_run", dryRun);
        Silence silence = dryRun
                ? new Silence(0, matchers, now, now.plus(duration), req.comment(), audit.caller())
                : store.insertSilence(matchers, now, now.plus(duration), req.comment(), audit.caller());
        data.put("silence", silence);
        List<Alert> open = store.list(Optional.empty(), MAX_LIMIT, List.of(silence), now).stream()
                .filter(a -> a.state().open() && !a.silencedBy().isEmpty()).toList();
        data.put("matching_alerts", open);
        if (!dryRun) {
            audit.param("silence_id", silence.id());
            engine.silencesChanged();
        }
        return ApiResponse.success(data);
    }

    @DELETE
    @Path("/silences/{id}")
    @Operation(summary = "End a silence now")
    @APIResponse(responseCode = "200", description = "Ended, or had already ended.")
    @APIResponse(responseCode = "404", description = "`not_found`: no silence with this id.")
    public ApiResponse<Map<String, Object>> expire(
            @Parameter(description = "The silence's id.", schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("id") String idParam) {
        audit.action("alerts.silence-expire").param("silence_id", idParam);
        long id;
        try {
            id = Long.parseLong(idParam);
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter("id", idParam, "expected a silence id (a whole number)");
        }
        AlertStore.ExpireResult r = store.expireSilence(id, Instant.now());
        if (r == AlertStore.ExpireResult.NOT_FOUND) {
            throw new ApiException.NotFound("silence", idParam);
        }
        engine.silencesChanged();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("expired", r == AlertStore.ExpireResult.EXPIRED);
        data.put("message", r == AlertStore.ExpireResult.EXPIRED ? "silence ended; matching alerts are notified again"
                : "silence had already ended");
        return ApiResponse.success(data);
    }
}
