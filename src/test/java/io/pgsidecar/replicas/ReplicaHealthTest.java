package io.pgsidecar.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict of one poll of one replica, without a server. */
class ReplicaHealthTest {

    static final ReplicaTarget TARGET = new ReplicaTarget("r1", "127.0.0.1", 5433, "app", "ro", 1, 5.0, 1000L);
    static final String SYSID = "7300000000000000001";

    static Observation streaming(String receive, String replay, Double replayAge) {
        return new Observation(true, true, receive, replay, replayAge, false, "streaming", 0, SYSID, 0.002, null, false);
    }

    @Test
    void aCaughtUpReplicaHasNoLagEvenWhenItsLastTransactionIsOld() {
        ReplicaHealth.Verdict v = ReplicaHealth.evaluate(TARGET, streaming("0/3000000", "0/3000000", 3600.0),
                Lsn.parse("0/3000000"), SYSID, ReplicaHealth.Track.NONE, 3);
        assertThat(v.passed()).isTrue();
        assertThat(v.lagBytes()).isZero();
        assertThat(v.lagSeconds()).isZero();
    }

    @Test
    void aReplicaBehindReportsTheAgeOfItsLastReplayAndFailsOverItsLimits() {
        ReplicaHealth.Verdict v = ReplicaHealth.evaluate(TARGET, streaming("0/3000000", "0/2000000", 12.5),
                Lsn.parse("0/3000000"), SYSID, ReplicaHealth.Track.NONE, 3);
        assertThat(v.lagBytes()).isEqualTo(0x1000000L);
        assertThat(v.lagSeconds()).isEqualTo(12.5);
        assertThat(v.problems()).anyMatch(p -> p.startsWith("time lag 12.5 s above 5.0 s"))
                .anyMatch(p -> p.startsWith("byte lag 16777216 above 1000"));
    }

    @Test
    void promotedForeignOrRefusingIsAHardFailureAndNotStreamingIsNot() {
        Observation promoted = new Observation(true, false, null, null, null, false, null, 0, SYSID, 0.001, null, false);
        ReplicaHealth.Verdict p = ReplicaHealth.evaluate(TARGET, promoted, 0L, SYSID, ReplicaHealth.Track.NONE, 3);
        assertThat(p.problems()).anyMatch(x -> x.startsWith("not in recovery"));
        assertThat(p.hard()).isTrue();
        Observation foreign = new Observation(true, true, "0/1", "0/1", 0.0, false, "streaming", 0, "999", 0.001, null, false);
        ReplicaHealth.Verdict f = ReplicaHealth.evaluate(TARGET, foreign, 1L, SYSID, ReplicaHealth.Track.NONE, 3);
        assertThat(f.problems()).anyMatch(x -> x.startsWith("belongs to another cluster"));
        assertThat(f.hard()).isTrue();
        ReplicaHealth.Verdict r = ReplicaHealth.evaluate(TARGET, Observation.refused("Connection refused"), 1L, SYSID,
                ReplicaHealth.Track.NONE, 3);
        assertThat(r.problems()).containsExactly("refuses connections: Connection refused");
        assertThat(r.hard()).isTrue();
        Observation noReceiver = new Observation(true, true, "0/1", "0/1", 0.0, false, null, 0, SYSID, 0.001, null, false);
        ReplicaHealth.Verdict n = ReplicaHealth.evaluate(TARGET, noReceiver, 1L, SYSID, ReplicaHealth.Track.NONE, 3);
        assertThat(n.problems()).containsExactly("WAL receiver is not running");
        assertThat(n.hard()).as("a receiver may restart: hysteresis applies").isFalse();
    }

    @Test
    void aStallIsCountedAcrossPollsThroughTheTrack() {
        ReplicaHealth.Track track = ReplicaHealth.Track.NONE;
        long receive = 0x2000000;
        for (int poll = 1; poll <= 4; poll++) {
            receive += 0x1000;
            ReplicaHealth.Verdict v = ReplicaHealth.evaluate(TARGET,
                    streaming("0/" + Long.toHexString(receive), "0/1000000", 1.0), Lsn.parse("0/" + Long.toHexString(receive)),
                    SYSID, track, 3);
            track = v.next();
            assertThat(v.stalled()).as("poll " + poll).isEqualTo(poll >= 4);
        }
        assertThat(track.stallPolls()).isEqualTo(3);
        ReplicaHealth.Verdict replaying = ReplicaHealth.evaluate(TARGET, streaming("0/3000000", "0/2FFF000", 0.1),
                Lsn.parse("0/3000000"), SYSID, track, 3);
        assertThat(replaying.next().stallPolls()).as("replay moved: the count starts again").isZero();
    }

    @Test
    void aTimeoutIsNotAHardFailure() {
        assertThat(ReplicaHealth.evaluate(TARGET, Observation.failed("no answer within 8000 ms"), 1L, SYSID,
                ReplicaHealth.Track.NONE, 3).hard()).isFalse();
    }

    @Test
    void anUnreachableReplicaKeepsItsTrack() {
        ReplicaHealth.Track track = new ReplicaHealth.Track(10L, 5L, 2);
        ReplicaHealth.Verdict v = ReplicaHealth.evaluate(TARGET, Observation.failed("Connection refused"), 10L, SYSID,
                track, 3);
        assertThat(v.problems()).containsExactly("unreachable: Connection refused");
        assertThat(v.next()).isSameAs(track);
    }
}
