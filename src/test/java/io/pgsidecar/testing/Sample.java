package io.pgsidecar.testing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Wall time, CPU time and allocation of one run of some work on the calling thread, for benchmarks. */
public record Sample(double wallMs, double cpuMs, double allocKb) {

    public static Sample measure(Runnable work) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long alloc0 = mx.getThreadAllocatedBytes(id);
        long t0 = System.nanoTime();
        work.run();
        long t1 = System.nanoTime();
        return new Sample((t1 - t0) / 1e6, (mx.getCurrentThreadCpuTime() - cpu0) / 1e6,
                (mx.getThreadAllocatedBytes(id) - alloc0) / 1024.0);
    }

    /** Median of each figure on its own. */
    public static Sample median(List<Sample> samples) {
        List<Double> w = new ArrayList<>();
        List<Double> c = new ArrayList<>();
        List<Double> a = new ArrayList<>();
        for (Sample s : samples) {
            w.add(s.wallMs());
            c.add(s.cpuMs());
            a.add(s.allocKb());
        }
        Collections.sort(w);
        Collections.sort(c);
        Collections.sort(a);
        int m = samples.size() / 2;
        return new Sample(w.get(m), c.get(m), a.get(m));
    }
}
