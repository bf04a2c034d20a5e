package io.pgsidecar.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring's bounds and the report's arithmetic. */
class WaitsReportTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    static WaitRing.Session s(String state, String type, String event, String app, Long queryId) {
        return new WaitRing.Session(state, type, event, app, queryId);
    }

    @Test
    void sessionsBecomeClassesCpuIdleInTransactionAndWaitTypes() {
        assertThat(s("active", null, null, "a", 1L).key().waitClass()).isEqualTo("CPU");
        assertThat(s("idle in transaction", "Client", "ClientRead", "a", 1L).key().waitClass())
                .isEqualTo("IdleInTransaction");
        assertThat(s("active", "Lock", "tuple", "", null).key())
                .isEqualTo(new WaitRing.Key("Lock", "tuple", "(none)", null));
    }

    @Test
    void theRingForgetsWhatIsOlderThanItsHistoryAndKeysAreBoundedPerSample() {
        WaitRing ring = new WaitRing(Duration.ofMinutes(1));
        for (int i = 0; i < 300; i++) {
            ring.add(T0.plusSeconds(i), List.of(s("active", null, null, "a", 1L)));
        }
        assertThat(ring.size()).isEqualTo(61);
        List<WaitRing.Session> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(s("active", "Lock", "tuple", "app" + i, (long) i));
        }
        WaitRing.Sample sample = ring.add(T0.plusSeconds(301), many);
        assertThat(sample.keys()).hasSize(WaitRing.MAX_KEYS + 1);
        assertThat(sample.sessions()).isEqualTo(1000);
        assertThat(sample.keys()).contains(WaitRing.Key.OTHER);
    }

    @Test
    void averagesSharesAndBucketsAddUp() {
        WaitRing ring = new WaitRing(Duration.ofMinutes(15));
        // 60 samples, one a second: 2 sessions on Lock of app x (query 7), 1 on CPU of app y (query 8)
        for (int i = 0; i < 60; i++) {
            ring.add(T0.plusSeconds(i), List.of(s("active", "Lock", "transactionid", "x", 7L),
                    s("active", "Lock", "transactionid", "x", 7L), s("active", null, null, "y", 8L)));
        }
        WaitsReport r = WaitsReport.of(ring.since(T0), T0, T0.plusSeconds(60), Duration.ofSeconds(1), 10);
        assertThat(r.samples()).isEqualTo(60);
        assertThat(r.averageActiveSessions()).isEqualTo(3.0);
        assertThat(r.waitEvents()).hasSize(2);
        assertThat(r.waitEvents().get(0).waitClass()).isEqualTo("Lock");
        assertThat(r.waitEvents().get(0).sessionSeconds()).isEqualTo(120.0);
        assertThat(r.waitEvents().get(0).averageSessions()).isEqualTo(2.0);
        assertThat(r.waitEvents().get(0).share()).isEqualTo(2.0 / 3);
        assertThat(r.byApplication().get(0).applicationName()).isEqualTo("x");
        assertThat(r.byQueryId().get(0).queryId()).isEqualTo("7");
        assertThat(r.byQueryId().get(0).waitEvents().get(0).share()).isEqualTo(1.0);
        assertThat(r.series().buckets()).hasSize(60);
        assertThat(r.series().buckets()).allSatisfy(b -> {
            assertThat(b.samples()).isEqualTo(1);
            assertThat(b.sessions()).containsEntry("Lock", 2.0).containsEntry("CPU", 1.0);
        });
        WaitsReport limited = WaitsReport.of(ring.since(T0), T0, T0.plusSeconds(60), Duration.ofSeconds(1), 1);
        assertThat(limited.waitEvents()).hasSize(1);
        assertThat(limited.byQueryId()).hasSize(1);
    }

    @Test
    void aLongWindowHasAtMostSixtyBucketsAndEmptyBucketsHaveNoSessions() {
        WaitRing ring = new WaitRing(Duration.ofMinutes(15));
        ring.add(T0.plusSeconds(5), List.of(s("active", "IO", "DataFileRead", "x", 1L)));
        WaitsReport r = WaitsReport.of(ring.since(T0), T0, T0.plus(Duration.ofMinutes(15)), Duration.ofSeconds(1), 10);
        assertThat(r.series().buckets()).hasSize(60);
        assertThat(r.series().bucketSeconds()).isEqualTo(15.0);
        assertThat(r.series().buckets().get(0).sessions()).containsEntry("IO", 1.0);
        assertThat(r.series().buckets().get(1).sessions()).isEmpty();
    }
}
