package io.pgsidecar.statements;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-interval deltas between two polls of pg_stat_statements.
 *
 * <p>The rules, which keep every figure non-negative and never count a call twice:
 * <ul>
 *   <li>an entry seen before, with counters that did not go back and the same {@code stats_since}:
 *       the difference;</li>
 *   <li>an entry not seen before (new, or evicted and back), or whose calls went down or whose
 *       {@code stats_since} moved (reset, crash restart): its counters as they are, since they all
 *       accumulated after the previous poll; counted as re-baselined;</li>
 *   <li>entries with no calls in the interval are left out;</li>
 *   <li>without a previous poll there is no interval: nothing.</li>
 * </ul>
 * Activity of an entry evicted or reset between two polls, before its last state was read, is
 * lost: figures may undercount, never overcount.
 */
public final class Deltas {

    /** Deltas of one interval and how many entries were re-baselined. */
    public record Result(List<StatementDelta> deltas, int rebaselined) {
    }

    private Deltas() {
    }

    public static Result between(Map<StatementKey, Counters> previous, Map<StatementKey, Counters> current) {
        if (previous == null) {
            return new Result(List.of(), 0);
        }
        List<StatementDelta> out = new ArrayList<>();
        int rebaselined = 0;
        for (Map.Entry<StatementKey, Counters> e : current.entrySet()) {
            Counters cur = e.getValue();
            Counters prev = previous.get(e.getKey());
            boolean fresh = prev == null || cur.calls() < prev.calls()
                    || !Objects.equals(cur.statsSince(), prev.statsSince())
                    || cur.totalMs() + 1e-6 < prev.totalMs();
            StatementDelta d;
            if (fresh) {
                rebaselined++;
                d = new StatementDelta(e.getKey(), cur.calls(), cur.totalMs(), cur.rows(), cur.sharedBlksHit(),
                        cur.sharedBlksRead(), cur.tempBlksWritten(), cur.ioReadMs(), cur, true);
            } else {
                d = new StatementDelta(e.getKey(), cur.calls() - prev.calls(),
                        Math.max(0, cur.totalMs() - prev.totalMs()), Math.max(0, cur.rows() - prev.rows()),
                        Math.max(0, cur.sharedBlksHit() - prev.sharedBlksHit()),
                        Math.max(0, cur.sharedBlksRead() - prev.sharedBlksRead()),
                        Math.max(0, cur.tempBlksWritten() - prev.tempBlksWritten()),
                        Math.max(0, cur.ioReadMs() - prev.ioReadMs()), cur, false);
            }
            if (d.calls() > 0) {
                out.add(d);
            }
        }
        return new Result(out, rebaselined);
    }
}
