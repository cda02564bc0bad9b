package dev.modelc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this JVM was started with SIGINT ignored, as a non-interactive shell starts a command
 * it puts in the background ({@code cmd &} in a script, {@code nohup}): an ignored signal stays
 * ignored in every process started from it, HotSpot then installs no handler for it, and a
 * child {@code modelc train} cannot be interrupted, so the tests that send it a real Ctrl-C check
 * nothing there (a CI run started that way once left such a child training for good).
 */
final class SignalDisposition {
    private SignalDisposition() {
    }

    /** True where {@code /proc/self/status}'s SigIgn mask has SIGINT (2); false where it cannot tell. */
    static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
