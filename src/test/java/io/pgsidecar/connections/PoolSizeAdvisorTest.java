package io.pgsidecar.connections;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pool size suggested per application: half the peak of active sessions over a window, plus a buffer. */
class PoolSizeAdvisorTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void halfThePeakRoundedUpPlusTheBuffer() {
        assertThat(PoolSizeAdvisor.recommend(0, 2)).isEqualTo(2);
        assertThat(PoolSizeAdvisor.recommend(1, 2)).isEqualTo(3);
        assertThat(PoolSizeAdvisor.recommend(7, 2)).isEqualTo(6);
        assertThat(PoolSizeAdvisor.recommend(8, 0)).isEqualTo(4);
    }

    @Test
    void thePeakIsTheHighestActiveCountWithinTheWindow() {
        PoolSizeAdvisor advisor = new PoolSizeAdvisor(Duration.ofMinutes(10), 2);
        advisor.observe("orders", 3, T0);
        advisor.observe("orders", 10, T0.plus(Duration.ofMinutes(1)));
        PoolSizeAdvisor.Advice during = advisor.observe("orders", 1, T0.plus(Duration.ofMinutes(5)));
        assertThat(during.peakActive()).isEqualTo(10);
        assertThat(during.recommended()).isEqualTo(7);
        assertThat(during.basis()).contains("peak of 10").contains("10 min");
        PoolSizeAdvisor.Advice later = advisor.observe("orders", 2, T0.plus(Duration.ofMinutes(12)));
        assertThat(later.peakActive()).as("the burst left the window").isEqualTo(2);
        assertThat(later.recommended()).isEqualTo(3);
    }

    @Test
    void applicationsAreCountedApart() {
        PoolSizeAdvisor advisor = new PoolSizeAdvisor(Duration.ofHours(1), 2);
        advisor.observe("orders", 20, T0);
        assertThat(advisor.observe("billing", 2, T0).peakActive()).isEqualTo(2);
    }
}
