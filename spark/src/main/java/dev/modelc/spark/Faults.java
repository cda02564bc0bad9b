package dev.modelc.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;

/**
 * Injected task failures, for the tests of Spark's retries in local mode (where the tasks run in
 * the driver's JVM, so a static plan reaches them): the first attempt of partition
 * {@code partition}'s task in step {@code step} throws. Never set outside tests.
 */
final class Faults {
    record FailFirstAttempt(long step, int partition) {
    }

    static volatile FailFirstAttempt planned;
    static final AtomicInteger INJECTED = new AtomicInteger();

    private Faults() {
    }

    static void maybeFail(long step) {
        FailFirstAttempt p = planned;
        TaskContext t = TaskContext.get();
        if (p == null || t == null || p.step() != step || p.partition() != t.partitionId() || t.attemptNumber() != 0) return;
        INJECTED.incrementAndGet();
        throw new IllegalStateException("injected failure of step " + step + " on partition " + p.partition());
    }
}
