package io.pgsidecar.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A silence: alerts matching all its matchers are not notified until it ends. */
@RegisterForReflection
public record Silence(long id, List<Matcher> matchers, @JsonProperty("starts_at") Instant startsAt,
                      @JsonProperty("ends_at") Instant endsAt, String comment,
                      @JsonProperty("created_by") String createdBy) {

    /** Ids of the silences among {@code silences} that match {@code labels} at {@code now}. */
    static List<Long> matching(List<Silence> silences, Map<String, String> labels, Instant now) {
        List<Long> ids = new java.util.ArrayList<>();
        for (Silence s : silences) {
            if (s.matches(labels, now)) {
                ids.add(s.id());
            }
        }
        return List.copyOf(ids);
    }

    boolean matches(Map<String, String> labels, Instant now) {
        if (now.isBefore(startsAt) || !now.isBefore(endsAt)) {
            return false;
        }
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
