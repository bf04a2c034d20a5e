package io.pgsidecar.replicas;

import java.util.ArrayList;
import java.util.List;

/**
 * Lag and the health verdict of one poll of one replica. Pure: it takes what the poll saw and what
 * earlier polls left ({@link Track}) and returns the verdict with the next track; nothing here
 * talks to a server or changes state, so every rule is unit-tested.
 *
 * <p>Byte lag is the primary's position minus the replica's replay position. Time lag is 0 when the
 * replica has replayed all the primary had written (an idle primary must not show growing lag),
 * else the age of the last replayed transaction. A replay stall is the receive position advancing
 * while replay does not, for {@code stallPollsLimit} polls.
 */
final class ReplicaHealth {

    /** What a replica's earlier polls leave for the next: positions seen and the stall count. */
    record Track(Long lastReceive, Long lastReplay, int stallPolls) {
        static final Track NONE = new Track(null, null, 0);
    }

    /**
     * The verdict of one poll. {@code problems} empty means the poll alone was good; {@code hard}
     * means a problem no hysteresis should ride out: the replica was promoted, belongs to another
     * cluster, or refuses the agent's connections. Reads must stop going there at once.
     */
    record Verdict(List<String> problems, Long lagBytes, Double lagSeconds, boolean stalled, boolean hard, Track next) {
        boolean passed() {
            return problems.isEmpty();
        }
    }

    private ReplicaHealth() {
    }

    static Verdict evaluate(ReplicaTarget target, Observation o, Long primaryLsn, String primarySystemId,
                            Track track, int stallPollsLimit) {
        List<String> problems = new ArrayList<>();
        if (!o.reachable()) {
            problems.add((o.refused() ? "refuses connections: " : "unreachable: ") + o.error());
            return new Verdict(List.copyOf(problems), null, null, false, o.refused(), track);
        }
        boolean hard = false;
        Long receive = Lsn.parse(o.receiveLsn());
        Long replay = Lsn.parse(o.replayLsn());
        Long lagBytes = null;
        Double lagSeconds = null;
        if (!Boolean.TRUE.equals(o.inRecovery())) {
            problems.add("not in recovery: the replica was promoted or is not a standby");
            hard = true;
        }
        if (primarySystemId != null && o.systemIdentifier() != null && !primarySystemId.equals(o.systemIdentifier())) {
            problems.add("belongs to another cluster (system identifier " + o.systemIdentifier() + ", primary "
                    + primarySystemId + ")");
            hard = true;
        }
        if (Boolean.TRUE.equals(o.inRecovery()) && !"streaming".equals(o.receiver())) {
            problems.add("WAL receiver is " + (o.receiver() == null ? "not running" : o.receiver()));
        }
        if (primaryLsn != null && replay != null) {
            lagBytes = Math.max(0, primaryLsn - replay);
            lagSeconds = lagBytes == 0 ? 0.0 : (o.replayAge() == null ? null : Math.max(0, o.replayAge()));
        }
        if (Boolean.TRUE.equals(o.paused())) {
            problems.add("WAL replay is paused");
        }
        int stallPolls = track.stallPolls();
        if (receive != null && replay != null && track.lastReceive() != null && track.lastReplay() != null) {
            boolean receiving = receive > track.lastReceive();
            boolean replaying = replay > track.lastReplay();
            stallPolls = receiving && !replaying && receive > replay ? stallPolls + 1 : 0;
        }
        boolean stalled = stallPolls >= stallPollsLimit;
        if (stalled) {
            problems.add("replay stalled: WAL is received but not replayed for " + stallPolls + " polls");
        }
        if (lagSeconds != null && lagSeconds > target.maxLagSeconds()) {
            problems.add(String.format("time lag %.1f s above %.1f s", lagSeconds, target.maxLagSeconds()));
        }
        if (lagBytes != null && target.maxLagBytes() != null && lagBytes > target.maxLagBytes()) {
            problems.add("byte lag " + lagBytes + " above " + target.maxLagBytes());
        }
        return new Verdict(List.copyOf(problems), lagBytes, lagSeconds, stalled, hard,
                new Track(receive, replay, stallPolls));
    }
}
