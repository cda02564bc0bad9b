package dev.modelc.cli;

import dev.modelc.runtime.Lanes;
import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

/**
 * What {@link LauncherTest} runs through the {@code modelc} launcher instead of the command line:
 * prints the JVM's process id, whether it runs vector lanes and the HotSpot options ({@code -XX:})
 * it was started with (and the warm-up's switch, {@code -Dmodelc.warmup}), writes a line and a line's
 * start without its newline to stderr (as a progress bar draws), and exits as {@link Main#main}
 * does, with the status {@code PROBE_EXIT} names.
 */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) {
        System.out.println("pid " + ProcessHandle.current().pid());
        System.out.println(Lanes.current());
        System.out.println("args " + String.join(" ", args));
        System.out.println("jvm " + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") || a.startsWith("-D" + Warmup.PROPERTY + "=")).collect(Collectors.joining(" ")));
        System.err.println("probe: a line");
        System.err.print("\rprobe: no newline");
        System.err.flush();
        StderrFilter.drain();
        System.exit(Integer.parseInt(System.getenv().getOrDefault("PROBE_EXIT", "0")));
    }
}
