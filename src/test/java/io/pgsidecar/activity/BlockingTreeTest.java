package io.pgsidecar.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.activity.BlockingSnapshot.Chain;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trees from what pg_blocking_pids says. */
class BlockingTreeTest {

    static BlockingTree.Row row(int pid, List<Integer> blockedBy, Double waited) {
        return new BlockingTree.Row(pid, "2026-12-06T10:00:00.000000Z", "client backend", "u", "app" + pid, null,
                blockedBy.isEmpty() ? "idle in transaction" : "active", blockedBy.isEmpty() ? null : "Lock",
                blockedBy.isEmpty() ? null : "transactionid", null, "q" + pid, 10.0, 5.0, blockedBy,
                blockedBy.isEmpty() ? null : "transactionid", blockedBy.isEmpty() ? null : "ShareLock", "745", waited,
                List.of(), List.of());
    }

    @Test
    void aChainIsOneTreeCountedWhole() {
        BlockingTree.Result r = BlockingTree.of(List.of(row(1, List.of(), null), row(2, List.of(1), 30.0),
                row(3, List.of(2), 20.0), row(4, List.of(1), 50.0)));
        assertThat(r.waiting()).isEqualTo(3);
        assertThat(r.chains()).singleElement().satisfies(c -> {
            assertThat(c.rootPid()).isEqualTo(1);
            assertThat(c.waiting()).isEqualTo(3);
            assertThat(c.longestWaitSeconds()).isEqualTo(50.0);
            assertThat(c.root().waiters()).extracting(BlockingSnapshot.Node::pid).containsExactly(2, 4);
            assertThat(c.root().waiters().get(0).waiters()).extracting(BlockingSnapshot.Node::pid).containsExactly(3);
        });
        assertThat(r.lockWaits()).singleElement().satisfies(w -> {
            assertThat(w.waiting()).isEqualTo(3);
            assertThat(w.mode()).isEqualTo("ShareLock");
            assertThat(w.longestWaitSeconds()).isEqualTo(50.0);
        });
    }

    @Test
    void twoRootsAreSortedByHowManyWaitAndASharedWaiterIsUnderBoth() {
        BlockingTree.Result r = BlockingTree.of(List.of(row(10, List.of(), null), row(20, List.of(), null),
                row(11, List.of(10), 1.0), row(21, List.of(20), 1.0), row(22, List.of(20), 2.0),
                row(30, List.of(10, 20), 3.0)));
        assertThat(r.chains()).extracting(Chain::rootPid).containsExactly(20, 10);
        assertThat(r.chains().get(0).waiting()).isEqualTo(3);
        assertThat(r.chains().get(1).waiting()).isEqualTo(2);
    }

    @Test
    void aCycleWithoutRootIsShownFromItsLowestPidAndAPreparedTransactionIsNamed() {
        BlockingTree.Result r = BlockingTree.of(List.of(row(5, List.of(6), 1.0), row(6, List.of(5), 1.0),
                row(7, List.of(0), 4.0)));
        assertThat(r.chains()).extracting(Chain::rootPid).containsExactlyInAnyOrder(0, 5);
        Chain prepared = r.chains().stream().filter(c -> c.rootPid() == 0).findFirst().orElseThrow();
        assertThat(prepared.root().query()).contains("prepared transaction");
        Chain cycle = r.chains().stream().filter(c -> c.rootPid() == 5).findFirst().orElseThrow();
        assertThat(cycle.root().waiters()).extracting(BlockingSnapshot.Node::pid).containsExactly(6);
        assertThat(cycle.root().waiters().get(0).waiters()).isEmpty();
    }

    @Test
    void aHugePileIsCutButCountedWhole() {
        List<BlockingTree.Row> rows = new ArrayList<>();
        rows.add(row(1, List.of(), null));
        for (int i = 2; i < 2000; i++) {
            rows.add(row(i, List.of(1), 1.0));
        }
        BlockingTree.Result r = BlockingTree.of(rows);
        assertThat(r.truncated()).isTrue();
        assertThat(r.chains().get(0).waiting()).isEqualTo(1998);
        assertThat(r.chains().get(0).root().waiters().size()).isLessThan(BlockingTree.MAX_NODES);
    }
}
