package dev.modelc.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Launch geometry for the sizes a run binds, on a device with 132 multiprocessors (an H100 SXM). */
class LaunchGeometryTest {
    private static final int SMS = 132;

    @Test
    void elementwiseLoopsCoverSmallTensorsAndStrideOverLargeOnes() {
        assertEquals(new LaunchGeometry(1, 1, 1, 256, 1, 1), LaunchGeometry.elementwise(30, SMS));
        assertEquals(new LaunchGeometry(4, 1, 1, 256, 1, 1), LaunchGeometry.elementwise(1024, SMS));
        // 2^28 elements would be a million blocks: capped at 32 per multiprocessor, each thread strides.
        assertEquals(new LaunchGeometry(32 * SMS, 1, 1, 256, 1, 1), LaunchGeometry.elementwise(1L << 28, SMS));
    }

    @Test
    void reductionBlocksArePowersOfTwoThatCoverTheInnerCount() {
        // The seed's mean over [15, 2]: one block of 32 threads.
        assertEquals(new LaunchGeometry(1, 1, 1, 32, 1, 1), LaunchGeometry.reduction(1, 30, SMS));
        assertEquals(new LaunchGeometry(1, 10, 1, 128, 1, 1), LaunchGeometry.reduction(10, 100, SMS));
        assertEquals(new LaunchGeometry(1, 1, 1, 32, 1, 1), LaunchGeometry.reduction(1, 0, SMS));
    }

    @Test
    void aLongReductionIsSplitOverBlocksThatTheLastOneCombines() {
        // 2^24 rows summed to a scalar: 8 elements a thread would need 8192 blocks; the grid holds 32 per SM.
        LaunchGeometry g = LaunchGeometry.reduction(1, 1L << 24, SMS);
        assertEquals(new LaunchGeometry(32 * SMS, 1, 1, 256, 1, 1), g);
        assertEquals(32L * SMS, g.partials(1));
        // Two outputs share the resident blocks.
        assertEquals(16 * SMS, LaunchGeometry.reduction(2, 1L << 24, SMS).gridX());
        // Many outputs: one block each, rows past 65,535 strided.
        assertEquals(new LaunchGeometry(1, 65_535, 1, 32, 1, 1), LaunchGeometry.reduction(1_000_000, 10, SMS));
    }

    @Test
    void matmulHasABlockPerSixteenBySixteenTile() {
        assertEquals(new LaunchGeometry(1, 1, 1, 16, 16, 1), LaunchGeometry.matmul(1, 15, 2));
        assertEquals(new LaunchGeometry(64, 512, 3, 16, 16, 1), LaunchGeometry.matmul(3, 8192, 1024));
        assertEquals(65_535, LaunchGeometry.matmul(1, 1L << 24, 2).gridY());
    }

    @Test
    void aMatmulTakesTheLargestTilesThatStillGiveEveryMultiprocessorABlock() {
        // The MLP's forward layer, 8192 x 1024: 64 x 8 = 512 tiles of 128 for 132 multiprocessors.
        assertEquals(8, LaunchGeometry.microTile(1, 8192, 1024, SMS));
        assertEquals(new LaunchGeometry(8, 64, 1, 16, 16, 1), LaunchGeometry.matmul(1, 8192, 1024, 8));
        // A weight gradient 784 x 1024: 7 x 8 = 56 tiles of 128 would leave most idle; 13 x 16 tiles of 64 do not.
        assertEquals(4, LaunchGeometry.microTile(1, 784, 1024, SMS));
        // The output layer 8192 x 10: 128 tiles of 64 are still too few; tiles of 16.
        assertEquals(1, LaunchGeometry.microTile(1, 8192, 10, SMS));
        // A batch multiplies the tiles.
        assertEquals(4, LaunchGeometry.microTile(1, 1024, 1024, SMS));
        assertEquals(8, LaunchGeometry.microTile(16, 512, 512, SMS));
        assertEquals("k3", LaunchGeometry.matmulFunction("k3", 1));
        assertEquals("k3_x8", LaunchGeometry.matmulFunction("k3", 8));
    }

    @Test
    void aSplitProductWithFewResultsIsOnePassOverK() {
        // The regression's weight gradient: 2 x 3 results over 2^24 rows.
        assertEquals(true, LaunchGeometry.fewOutputs(1, 2, 3));
        assertEquals(false, LaunchGeometry.fewOutputs(1, 5, 7));
        assertEquals(false, LaunchGeometry.fewOutputs(3, 1, 3));
        // About 8 values of k a thread, within the resident blocks.
        assertEquals(new LaunchGeometry(3, 1, 1, 256, 1, 1), LaunchGeometry.fewOutputs(5000, SMS));
        assertEquals(32 * SMS, LaunchGeometry.fewOutputs(1L << 24, SMS).gridX());
        assertEquals(1, LaunchGeometry.fewOutputs(0, SMS).gridX());
        assertEquals("k3_splitk_few", LaunchGeometry.fewOutputsFunction("k3_splitk"));
    }

    @Test
    void emptyOrOversizedGridsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(0, 1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 70_000, 1, 1, 1, 1));
    }

    @Test
    void aMatmulWithFewTilesAndALongKIsSplitOverK() {
        // The seed's weight gradient over 2^24 rows: 2 x 3 outputs, one tile, k = 2^24.
        assertEquals(true, LaunchGeometry.splitK(1, 2, 1L << 24, 3, SMS));
        // The MLP's layers have hundreds of tiles: tiled.
        assertEquals(false, LaunchGeometry.splitK(1, 8192, 784, 1024, SMS));
        // A short k is not worth splitting.
        assertEquals(false, LaunchGeometry.splitK(1, 2, 100, 3, SMS));
    }
}
