package io.pgsidecar.alerts;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A silence: alerts matching all its matchers are not notified until it ends. */
@RegisterForReflection
public record Silence(long id, List<Matcher> matchers, Instant startsAt,
                      Instant endsAt, String comment,
                      String createdBy) {

    /** Ids of the silences among {@code silences} that match {@code labels} at {@code now}. */
    static List<Long> matching(List<Silence> silences, Map<String, String> labels, Instant now) {
        List<Long> ids = new ArrayList<>();
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
