package io.pgsidecar.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every receiver says about an alert the same way: its labels (with the database, which tells
 * sidecars' databases apart) and its annotations (with the runbook link).
 */
final class AlertPayloads {

    private final ObjectMapper json;
    private final String database;
    private final String runbookBase;

    AlertPayloads(ObjectMapper json, String database, String runbookBaseUrl) {
        this.json = json;
        this.database = database;
        this.runbookBase = runbookBaseUrl.endsWith("/") ? runbookBaseUrl : runbookBaseUrl + "/";
    }

    String database() {
        return database;
    }

    Map<String, String> labels(Alert a) {
        Map<String, String> labels = new LinkedHashMap<>(a.allLabels());
        labels.put("database", database);
        return labels;
    }

    Map<String, String> annotations(Alert a) {
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put("summary", a.summary());
        ann.put("description", a.description());
        if (a.value() != null) {
            ann.put("value", format(a.value()));
        }
        if (a.threshold() != null) {
            ann.put("threshold", format(a.threshold()));
        }
        ann.put("runbook_url", runbookBase + a.alertname() + ".md");
        return ann;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3f", v);
    }

    /** The payload as bytes. Maps and lists only: their keys are written as given. */
    byte[] bytes(Object payload) {
        try {
            return json.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
