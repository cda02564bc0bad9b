package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code train} shows: every printed epoch line ends in the epoch's wall time, and on a
 * terminal each finished epoch keeps a line of its own above the progress bar (issue 17, item 9),
 * so earlier losses stay in the scrollback.
 */
class TrainProgressTest {
    private static final String EPOCH = "Epoch \\[\\d+/\\d+], Loss: [0-9.]+ \\((\\d+ µs|[0-9.]+ ms|[0-9.]+ s)\\)";

    private static void run(TrainProgress p, int epochs) {
        p.started(epochs, 2);
        for (int e = 1; e <= epochs; e++) {
            p.batch(e, 1, 1.0);
            p.batch(e, 2, 1.0);
            p.epoch(e, epochs, 1.0 / e);
        }
        p.finish(false);
        p.close();
    }

    @Test
    void linesEndInTheEpochsTime() {
        StringWriter out = new StringWriter();
        run(TrainProgress.lines(new PrintWriter(out), null), 3);
        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out.toString());
        for (String line : lines) assertTrue(line.matches(EPOCH), line);
        assertTrue(lines.get(1).startsWith("Epoch [2/3], Loss: 0.5000 ("), lines.get(1));
    }

    @Test
    void onATerminalEveryFinishedEpochKeepsItsLineAboveTheBar() {
        StringWriter out = new StringWriter();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        run(TrainProgress.bar(new PrintWriter(out), new PrintStream(terminal, true, StandardCharsets.UTF_8), "train M"), 4);
        List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size(), "one line per epoch, the last not repeated:\n" + out);
        for (int e = 0; e < 4; e++) {
            assertTrue(lines.get(e).startsWith("Epoch [" + (e + 1) + "/4], Loss: ") && lines.get(e).matches(EPOCH), lines.get(e));
        }
        assertTrue(terminal.toString(StandardCharsets.UTF_8).contains("\r\033[2K"), "the bar's line is cleared before each epoch line");
    }

    @Test
    void timesReadAtAGlance() {
        assertEquals("412 µs", TrainProgress.elapsed(412_300));
        assertEquals("12.3 ms", TrainProgress.elapsed(12_340_000));
        assertEquals("52.80 s", TrainProgress.elapsed(52_800_000_000L));
        assertEquals("2 min 3 s", TrainProgress.elapsed(123_000_000_000L));
    }
}
