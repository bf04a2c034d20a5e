package io.pgsidecar.alerts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher of a silence, with Alertmanager's meaning: {@code name} equals (or, with
 * {@code is_regex}, fully matches) {@code value}; {@code is_equal=false} negates it. A label the
 * alert does not have counts as the empty string.
 */
@RegisterForReflection
public record Matcher(String name, String value, Boolean isRegex,
                      Boolean isEqual) {

    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,62}");
    static final int MAX_VALUE = 1000;

    /** Checks the matcher; the message says what is wrong, for a 400. */
    Matcher validated() {
        if (name == null || !LABEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
        }
        if (value == null) {
            throw new IllegalArgumentException("matcher for '" + name + "' has no value");
        }
        if (value.length() > MAX_VALUE) {
            throw new IllegalArgumentException("value of '" + name + "' is longer than " + MAX_VALUE + " characters");
        }
        if (regex()) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("value of '" + name + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return new Matcher(name, value, regex(), equal());
    }

    @JsonIgnore
    boolean regex() {
        return Boolean.TRUE.equals(isRegex);
    }

    @JsonIgnore
    boolean equal() {
        return !Boolean.FALSE.equals(isEqual);
    }

    boolean matches(Map<String, String> labels) {
        String v = labels.getOrDefault(name, "");
        boolean hit = regex() ? Pattern.compile(value).matcher(v).matches() : value.equals(v);
        return hit == equal();
    }

    /** Alertmanager's notation: {@code name="v"}, {@code name!="v"}, {@code name=~"re"}, {@code name!~"re"}. */
    @Override
    public String toString() {
        return (equal() ? name + (regex() ? "=~" : "=") : name + (regex() ? "!~" : "!="))
                + "\"" + value + "\"";
    }

    /** Whether the matcher matches an alert that lacks the label: such a matcher alone would silence everything. */
    boolean matchesEmpty() {
        return matches(Map.of());
    }
}
