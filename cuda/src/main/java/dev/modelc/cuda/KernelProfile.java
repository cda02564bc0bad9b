package dev.modelc.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-kernel times on a real GPU, for the benchmark's profile (the JVM backends have JFR; a GPU
 * needs the device to finish each kernel before a host clock can time it). While on, every
 * launch is bracketed by {@code cuCtxSynchronize}: a kernel's time is then its run plus one launch
 * latency (a few microseconds), and the calls around it lose all overlap, so the totals are a
 * profile, not the workload's speed. Off by default; nothing is recorded when off.
 */
public final class KernelProfile {
    /** One kernel's launches: how many, and their summed time in nanoseconds. */
    public record Entry(String kernel, long launches, long nanos) {
        public double millisPerLaunch() {
            return nanos / 1e6 / launches;
        }
    }

    private static volatile boolean on;
    private static final Map<String, long[]> TIMES = new LinkedHashMap<>();

    private KernelProfile() {
    }

    /** Starts recording (and forgets what was recorded before). */
    public static synchronized void start() {
        TIMES.clear();
        on = true;
    }

    /** Stops recording; the kernels by total time, largest first. */
    public static synchronized List<Entry> stop() {
        on = false;
        List<Entry> out = new ArrayList<>();
        TIMES.forEach((k, v) -> out.add(new Entry(k, v[0], v[1])));
        out.sort(Comparator.comparingLong(Entry::nanos).reversed());
        return out;
    }

    static boolean on() {
        return on;
    }

    static synchronized void record(String kernel, long nanos) {
        long[] v = TIMES.computeIfAbsent(kernel, k -> new long[2]);
        v[0]++;
        v[1] += nanos;
    }
}
