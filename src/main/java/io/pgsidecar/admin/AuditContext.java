package io.pgsidecar.admin;

import jakarta.enterprise.context.RequestScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the resource handling a changing request wants in its audit row: a name for the action and
 * the parameters it acted on (secrets left out).
 */
@RequestScoped
public class AuditContext {

    private String action;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private String detail;
    private String caller = "unknown";

    /** Who called: the token's fingerprint, plus the X-Pgsidecar-Caller name when given. */
    public String caller() {
        return caller;
    }

    void caller(String who) {
        this.caller = who;
    }

    public AuditContext action(String name) {
        this.action = name;
        return this;
    }

    public AuditContext param(String key, Object value) {
        parameters.put(key, value);
        return this;
    }

    public AuditContext detail(String text) {
        this.detail = text;
        return this;
    }

    String action() {
        return action;
    }

    Map<String, Object> parameters() {
        return parameters;
    }

    String detail() {
        return detail;
    }
}
