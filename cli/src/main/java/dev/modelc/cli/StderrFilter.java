package dev.modelc.cli;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The end of the launcher's stderr filter. When the {@code modelc} launcher gives the JVM vector
 * lanes, stderr goes through a filter process that drops the JVM's incubator notice, and the
 * launcher names that process in {@code -Dmodelc.stderr.filter}. Were the JVM to exit while the
 * filter still held its last bytes, the shell could print its prompt or run the next command
 * before them; so the JVM closes stderr (the JDK points descriptor 2 at /dev/null, and the filter
 * reads the end of its input) and waits for the filter to finish writing.
 */
final class StderrFilter {
    static final String PROPERTY = "modelc.stderr.filter";
    /** How long an exit waits for the filter at most (a terminal stopped with Ctrl-S holds it up). */
    private static final long WAIT_SECONDS = 2;

    private StderrFilter() {
    }

    /** Closes stderr and waits for the launcher's filter to end, when there is one. */
    static void drain() {
        String pid = System.getProperty(PROPERTY);
        if (pid == null || !pid.matches("[0-9]{1,18}")) return;
        // the launcher's filter is this JVM's child (the shell that forked it became this JVM)
        var filter = ProcessHandle.of(Long.parseLong(pid))
                .filter(h -> h.parent().map(ProcessHandle.current()::equals).orElse(false));
        if (filter.isEmpty()) return;
        System.err.flush();
        System.err.close();
        try {
            filter.get().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the filter could not be waited for: exit anyway, as without it
        }
    }
}
