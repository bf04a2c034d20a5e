package io.pgsidecar.activity;

import io.pgsidecar.statements.ShownTexts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the admin API asks of the activity feature. */
@ApplicationScoped
public class ActivityService {

    /** How long an answer waits for the texts of its statements. */
    private static final Duration TEXTS_BOUND = Duration.ofSeconds(2);

    private final ActivitySampler sampler;
    private final ShownTexts texts;
    private final Clock clock = Clock.systemUTC();

    public ActivityService(ActivitySampler sampler, ShownTexts texts) {
        this.sampler = sampler;
        this.texts = texts;
    }

    public ActivityConfig config() {
        return sampler.config();
    }

    public BlockingSnapshot blocking() {
        return sampler.blocking();
    }

    /** The waits of the last {@code window} (at most the history), the top {@code limit} of each list. */
    public WaitsReport waits(Duration window, int limit) {
        Instant to = clock.instant();
        Instant from = to.minus(window);
        Duration interval = sampler.config().sampleInterval();
        if (!sampler.samplesHere()) {
            return WaitsReport.notSampled(from, to, interval);
        }
        WaitsReport report = WaitsReport.of(sampler.samplesSince(from), from, to, interval, limit);
        if (report.byQueryId().isEmpty()) {
            return report;
        }
        List<Long> ids = new ArrayList<>();
        report.byQueryId().forEach(q -> ids.add(Long.parseLong(q.queryId())));
        Map<Long, String> known = new java.util.HashMap<>(texts.texts(ids, TEXTS_BOUND));
        List<Long> missing = ids.stream().filter(id -> !known.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            known.putAll(sampler.runningTexts(missing, TEXTS_BOUND));
        }
        return report.withTexts(known);
    }
}
