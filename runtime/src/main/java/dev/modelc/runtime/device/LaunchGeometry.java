package dev.modelc.runtime.device;

/**
 * The grid and block of one kernel launch, chosen from the sizes bound at run time and the
 * device's multiprocessor count. Every kernel strides over whatever the grid does not cover, so
 * a capped grid is still correct; the caps keep grids within the hardware limits (y and z at
 * most 65,535) and near the number of blocks the device runs at once. The CUDA C renderer
 * (the compiler's {@code backend.cuda}) writes its kernels for these block sizes: its
 * reductions' shared arrays hold {@link #MAX_REDUCTION_BLOCK} values and its matmul tiles are
 * {@link #TILE} wide.
 */
public record LaunchGeometry(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
    /** Threads per block of an elementwise loop. */
    public static final int ELEMENTWISE_BLOCK = 256;
    /** The largest block of a reduction, and the size of its kernel's shared array. */
    public static final int MAX_REDUCTION_BLOCK = 256;
    /** A matmul's tile edge; its blocks are TILE x TILE threads. */
    public static final int TILE = 16;
    /** The hardware limit on gridDim.y and gridDim.z. */
    public static final int MAX_GRID_YZ = 65_535;
    /** Elements each thread of a split reduction should fold before another block is worth it. */
    static final int FOLD_PER_THREAD = 8;

    public LaunchGeometry {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1) {
            throw new IllegalArgumentException("empty launch " + gridX + "x" + gridY + "x" + gridZ + " of " + blockX + "x" + blockY + "x" + blockZ);
        }
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) throw new IllegalArgumentException("grid y or z over " + MAX_GRID_YZ);
    }

    /** Blocks a launch may usefully have at once: 32 per multiprocessor. */
    public static long residentBlocks(int multiprocessors) {
        return 32L * Math.max(1, multiprocessors);
    }

    /** A grid-stride loop over {@code count} elements (count > 0). */
    public static LaunchGeometry elementwise(long count, int multiprocessors) {
        long blocks = Math.min(ceilDiv(count, ELEMENTWISE_BLOCK), residentBlocks(multiprocessors));
        return new LaunchGeometry((int) Math.max(1, blocks), 1, 1, ELEMENTWISE_BLOCK, 1, 1);
    }

    /**
     * A reduction of {@code outer} positions (at least 1) of {@code inner} elements each: a block
     * of the smallest power of two from 32 to 256 that covers {@code inner}, one block row per
     * position (y, strided past 65,535), and as many blocks per position (x) as it takes to give
     * each thread about {@link #FOLD_PER_THREAD} elements, while the grid stays within the
     * resident blocks.
     */
    public static LaunchGeometry reduction(long outer, long inner, int multiprocessors) {
        int block = 32;
        while (block < MAX_REDUCTION_BLOCK && block < inner) block *= 2;
        int rows = (int) Math.min(Math.max(outer, 1), MAX_GRID_YZ);
        long wanted = ceilDiv(inner, (long) block * FOLD_PER_THREAD);
        long room = Math.max(1, residentBlocks(multiprocessors) / rows);
        int split = (int) Math.max(1, Math.min(wanted, room));
        return new LaunchGeometry(split, rows, 1, block, 1, 1);
    }

    /**
     * Outputs per thread along each axis of a tiled matmul, tried largest first: a block of
     * {@link #TILE} x {@link #TILE} threads computes a tile of {@code TILE * micro} squared
     * outputs, so 8 gives 128 x 128 tiles (64 outputs a thread, the most reuse of each loaded
     * element), 4 gives 64 x 64 and 1 gives 16 x 16. The renderer writes a kernel for each.
     */
    public static final int[] MICRO_TILES = {8, 4, 1};

    /**
     * The largest micro-tile whose tiles still give every multiprocessor a block (fewer, larger
     * tiles reuse more but leave multiprocessors idle); 1 when none does.
     */
    public static int microTile(long batch, long n, long m, int multiprocessors) {
        for (int micro : MICRO_TILES) {
            long edge = (long) TILE * micro;
            if (micro == 1 || Math.max(1, batch) * ceilDiv(n, edge) * ceilDiv(m, edge) >= multiprocessors) return micro;
        }
        return 1;
    }

    /** The name of a matmul's tiled kernel for {@code micro} outputs a thread per axis: {@code k3}, {@code k3_x4}, {@code k3_x8}. */
    public static String matmulFunction(String function, int micro) {
        return micro == 1 ? function : function + "_x" + micro;
    }

    /** A matmul of {@code batch} products of n x m results: one 16x16 block per output tile. */
    public static LaunchGeometry matmul(long batch, long n, long m) {
        return matmul(batch, n, m, 1);
    }

    /** A matmul of {@code batch} products of n x m results: one 16x16 block per tile of {@code 16 * micro} squared outputs. */
    public static LaunchGeometry matmul(long batch, long n, long m, int micro) {
        long edge = (long) TILE * micro;
        long tilesM = Math.max(1, ceilDiv(m, edge));
        long tilesN = Math.max(1, ceilDiv(n, edge));
        return new LaunchGeometry((int) Math.min(tilesM, Integer.MAX_VALUE), (int) Math.min(tilesN, MAX_GRID_YZ),
                (int) Math.min(Math.max(batch, 1), MAX_GRID_YZ), TILE, TILE, 1);
    }

    /**
     * Whether a matmul runs as a reduction over k: when its tiles would not give every
     * multiprocessor a block and k is long enough to share out (at least 256).
     */
    public static boolean splitK(long batch, long n, long k, long m, int multiprocessors) {
        long tiles = Math.max(1, batch) * Math.max(1, ceilDiv(n, TILE)) * Math.max(1, ceilDiv(m, TILE));
        return k >= 256 && tiles < multiprocessors;
    }

    /**
     * The most results a split-k product computes in one pass over k ({@link #fewOutputs}): each
     * thread keeps one accumulator per result in registers.
     */
    public static final int FEW_OUTPUTS = 8;

    /**
     * Whether a split-k product has so few results (a weight gradient {@code g.T @ x} of a
     * regression: 2 x 3) that one pass over k computes them all, reading each row of its
     * operands once, rather than a pass per result.
     */
    public static boolean fewOutputs(long batch, long n, long m) {
        return Math.max(1, batch) * n * m <= FEW_OUTPUTS;
    }

    /** The name of a split-k product's one-pass form for {@link #fewOutputs}: {@code k3_splitk_few}. */
    public static String fewOutputsFunction(String splitFunction) {
        return splitFunction + "_few";
    }

    /**
     * The one-pass split-k form: blocks of 256 threads striding over k, as many as give each
     * thread about {@link #FOLD_PER_THREAD} values of k, within the resident blocks.
     */
    public static LaunchGeometry fewOutputs(long k, int multiprocessors) {
        long blocks = Math.min(Math.max(1, ceilDiv(k, (long) MAX_REDUCTION_BLOCK * FOLD_PER_THREAD)), residentBlocks(multiprocessors));
        return new LaunchGeometry((int) blocks, 1, 1, MAX_REDUCTION_BLOCK, 1, 1);
    }

    /** Scratch a split reduction needs: {@code outer * gridX} partial results. */
    public long partials(long outer) {
        return Math.max(1, outer) * gridX;
    }

    public long threads() {
        return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX + "x" + blockY + "x" + blockZ;
    }
}
