package io.pgsidecar.alerts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an alert is in its lifecycle: pending (waiting for its rule's {@code for}) → firing → resolved. */
public enum AlertState {
    PENDING, FIRING, RESOLVED;

    /** The lower-case name the API and the agent's tables use. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AlertState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    public boolean open() {
        return this != RESOLVED;
    }
}
