package io.pgsidecar.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingAndHealthTest {

    record R(String name, int weight, int connections) {
    }

    final Router router = new Router();

    @Test
    void roundRobinVisitsReplicasInOrder() {
        List<R> rs = List.of(new R("a", 1, 0), new R("b", 1, 0), new R("c", 1, 0));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seen.add(router.choose(Router.Strategy.ROUND_ROBIN, rs, R::weight, R::connections).orElseThrow().name());
        }
        assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    /**
     * 10,000 picks with weights 1:3:6: each share is within 2 percentage points of its weight
     * (the standard deviation of a share here is below 0.5 points, so this fails only by a defect).
     */
    @Test
    void weightedRandomFollowsTheWeights() {
        List<R> rs = List.of(new R("a", 1, 0), new R("b", 3, 0), new R("c", 6, 0));
        Map<String, Integer> counts = new HashMap<>();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            counts.merge(router.choose(Router.Strategy.WEIGHTED_RANDOM, rs, R::weight, R::connections)
                    .orElseThrow().name(), 1, Integer::sum);
        }
        assertThat(counts.get("a") / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts.get("b") / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts.get("c") / (double) n).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void leastConnectionsPicksTheQuietest() {
        List<R> rs = List.of(new R("a", 1, 5), new R("b", 1, 2), new R("c", 1, 9));
        assertThat(router.choose(Router.Strategy.LEAST_CONNECTIONS, rs, R::weight, R::connections).orElseThrow().name())
                .isEqualTo("b");
    }

    @Test
    void nothingEligibleMeansNoChoice() {
        assertThat(router.choose(Router.Strategy.ROUND_ROBIN, List.<R>of(), R::weight, R::connections)).isEmpty();
    }

    @Test
    void strategyNames() {
        assertThat(Router.Strategy.parse("round_robin")).contains(Router.Strategy.ROUND_ROBIN);
        assertThat(Router.Strategy.parse("Least-Connections")).contains(Router.Strategy.LEAST_CONNECTIONS);
        assertThat(Router.Strategy.parse("fastest")).isEmpty();
    }

    @Test
    void hysteresisNeedsConsecutiveBreachesAndRecoveries() {
        Hysteresis h = new Hysteresis(3, 2);
        assertThat(h.healthy()).isNull();
        h.observe(true);
        assertThat(h.healthy()).isTrue();
        h.observe(false);
        h.observe(false);
        assertThat(h.healthy()).as("two bad polls are a blip").isTrue();
        h.observe(true);
        h.observe(false);
        h.observe(false);
        assertThat(h.healthy()).as("the good poll reset the count").isTrue();
        assertThat(h.observe(false)).isTrue();
        assertThat(h.healthy()).isFalse();
        h.observe(true);
        assertThat(h.healthy()).isFalse();
        assertThat(h.observe(true)).isTrue();
        assertThat(h.healthy()).isTrue();
    }

    @Test
    void aHardFailureSkipsTheCountButRecoveryStillNeedsIt() {
        Hysteresis h = new Hysteresis(3, 2);
        h.observe(true);
        assertThat(h.fail()).isTrue();
        assertThat(h.healthy()).as("unhealthy at the first poll that saw it").isFalse();
        assertThat(h.fail()).as("already unhealthy: no change").isFalse();
        h.observe(true);
        assertThat(h.healthy()).isFalse();
        h.observe(true);
        assertThat(h.healthy()).isTrue();
    }

    @Test
    void lsnArithmetic() {
        assertThat(Lsn.parse("0/0")).isZero();
        assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
        assertThat(Lsn.parse("1/0") - Lsn.parse("0/FFFFFFFF")).isEqualTo(1);
        assertThat(Lsn.parse(null)).isNull();
    }
}
