package dev.modelc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.bench.BenchTable.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code scripts/bench --rounds} summarizes its rounds: medians, and ratios taken round by round. */
class BenchTableTest {
    private static Row row(String variant, int round, double seconds) {
        return new Row("w", "k", variant, round, seconds);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.0, BenchTable.median(new double[] {1, 2, 9}));
        assertEquals(2.5, BenchTable.median(new double[] {1, 2, 3, 100}));
        assertEquals(7.0, BenchTable.median(new double[] {7}));
    }

    /**
     * A ratio pairs each round with the same round of the other side. Here libtorch had one fast
     * round (the third) and modelc one slow round (the second), each on its own: round by round
     * modelc is 2x faster twice and 2x slower once, so 2x faster; each side's median first would
     * say parity (2 ms against 2 ms).
     */
    @Test
    void ratiosPairTheSameRound() {
        List<Row> mine = List.of(row("modelc", 0, 1), row("modelc", 1, 4), row("modelc", 2, 2));
        List<Row> theirs = List.of(row("libtorch", 0, 2), row("libtorch", 1, 8), row("libtorch", 2, 1));
        assertEquals("2.0x faster", BenchTable.ratio(mine, theirs));
        assertEquals("2.0x slower", BenchTable.ratio(theirs, mine));
        // Rounds listed in another order pair the same way.
        assertEquals("2.0x faster", BenchTable.ratio(mine.reversed(), theirs));
    }

    @Test
    void roundsWithoutAPartnerAreLeftOut() {
        List<Row> mine = List.of(row("modelc", 0, 1), row("modelc", 1, 100));
        assertEquals("3.0x faster", BenchTable.ratio(mine, List.of(row("libtorch", 0, 3))));
        assertEquals("", BenchTable.ratio(mine, List.of(row("libtorch", 5, 3))));
    }

    @Test
    void oneRoundIsItsTimeAndSeveralTheirMedianAndRange() {
        assertEquals("2.00 ms", BenchTable.time(List.of(row("m", 0, 0.002))));
        assertEquals("3.00 ms (1.00 ms to 9.00 ms)", BenchTable.time(List.of(row("m", 0, 0.009), row("m", 1, 0.001), row("m", 2, 0.003))));
    }
}
