package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The f32 convolutions (every path: {@link Im2Col} through {@link Library#matmul}, its forward
 * unrolled into columns or into rows ({@link Im2Row}), its forward by rows and its input gradient
 * in chunks of one image or of all of them, and
 * {@link ImageIm2Col}, an image at a time on scalar loops) on random geometries (conv1d
 * and conv2d, strides, paddings, dilations, groups, channel counts that are not a multiple of the
 * four rows computed together, one image or several): the same bits as plain loops summing in
 * the order the class documents (one f32 fused multiply-add per term from zero, padding as zero
 * terms; col2im adding taps in order), and within f32's error bound of the interpreter's f64
 * loops ({@link Convolution#reference}). The kernels' register blocks of eight channels (vectors of
 * 512 bits) and of four (narrower) both run here, whatever this machine's vectors.
 */
class Im2ColProperties {
    /** f32's unit roundoff. */
    private static final double U = 0x1p-24;

    /** Which code computes the convolutions. */
    enum Path {
        /** {@link ImageIm2Col}. */
        IMAGES,
        /** {@link Im2Col}, the forward by columns. */
        COLUMNS,
        /** {@link Im2Col}, the forward by rows; it and the input gradient all images in one chunk. */
        ROWS,
        /** {@link Im2Col}, the forward by rows; it and the input gradient an image per chunk. */
        ROWS_BY_IMAGE,
        /**
         * {@link Im2Col} by rows, and the weight gradient on lanes along each image's rows
         * ({@link RowsWeightGrad}, eight output channels' sums at a time).
         */
        WEIGHT_BY_ROWS,
        /** {@link #WEIGHT_BY_ROWS} with four output channels' sums at a time. */
        WEIGHT_BY_ROWS_IN_FOURS,
        /** {@link #WEIGHT_BY_ROWS_IN_FOURS} with five first among the channels past the blocks of eight (AVX2's blocks). */
        WEIGHT_BY_ROWS_IN_FIVES,
        /**
         * {@link DirectForward} and {@link DirectInputGrad} wherever the stride is 1, whatever the
         * channel counts (the channels past their blocks of eight one at a time), else {@link Im2Col}
         * by rows; the weight gradient by {@link ChannelsWeightGrad} where the input channels fill
         * whole vectors, else by {@link RowsWeightGrad}: the blocks of eight channels of AVX-512.
         */
        DIRECT,
        /** {@link #DIRECT} in blocks of four channels. */
        DIRECT_IN_FOURS,
        /**
         * {@link #DIRECT} with AVX2's blocks: {@link DirectForward} and {@link ChannelsWeightGrad} in
         * blocks of five output channels then four ({@link DirectForward#blockAt}), {@link RowsWeightGrad}
         * as {@link #WEIGHT_BY_ROWS_IN_FIVES}, {@link DirectInputGrad} in blocks of four.
         */
        DIRECT_IN_FIVES,
        /** What {@link Library#conv} runs on lanes: {@link Im2Col#run(Convolution, float[], float[], float[], Convolution.Sizes)}'s choice. */
        CHOSEN
    }

    @Property(tries = 300)
    void everyKindGivesThePlainLoopsBitsAndStaysWithinF32sBoundOfTheReference(
            @ForAll boolean oneD,
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 3) int groups,
            @ForAll @IntRange(min = 1, max = 3) int cg,
            @ForAll @IntRange(min = 1, max = 6) int og,
            @ForAll @IntRange(min = 1, max = 9) int h,
            @ForAll @IntRange(min = 1, max = 11) int w,
            @ForAll @IntRange(min = 1, max = 3) int kh,
            @ForAll @IntRange(min = 1, max = 3) int kw,
            @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 2) int padding,
            @ForAll @IntRange(min = 1, max = 2) int dilation,
            @ForAll @IntRange(min = 1, max = 3) int strideH,
            @ForAll @IntRange(min = 0, max = 2) int paddingH,
            @ForAll @IntRange(min = 1, max = 2) int dilationH,
            @ForAll Path path,
            @ForAll long seed) {
        // The height's geometry drawn apart from the width's: Im2Row copies a kernel row's taps at once
        // along the width (dilation 1 there) and steps rows by the height's stride and dilation.
        convolutions(oneD, n, groups, cg, og, h, w, kh, kw, new int[] {strideH, stride}, new int[] {paddingH, padding},
                new int[] {dilationH, dilation}, path, seed);
    }

    /**
     * Kernels wider than a vector's lanes (whose rows {@link Im2Row} copies tap by tap) and rows
     * wider than one vector, as conv1d: the same checks.
     */
    @Property(tries = 100)
    void wideKernelsAndWideRowsGiveThePlainLoopsBits(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 3) int cg,
            @ForAll @IntRange(min = 1, max = 5) int og,
            @ForAll @IntRange(min = 1, max = 48) int w,
            @ForAll @IntRange(min = 1, max = 20) int kw,
            @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 4) int padding,
            @ForAll Path path,
            @ForAll long seed) {
        convolutions(true, n, 1, cg, og, 1, w, 1, kw, new int[] {1, stride}, new int[] {0, padding}, new int[] {1, 1}, path, seed);
    }

    /**
     * {@link RowsWeightGrad} with enough output channels per group for its blocks of eight or four
     * (and the channels left over: in blocks of four, four of them first, or five where there are
     * five or more in {@link Path#WEIGHT_BY_ROWS_IN_FIVES}), taps of one vector or
     * several, groups, odd sizes and one image: the same checks.
     */
    @Property(tries = 150)
    void theWeightGradientByRowsGivesThePlainLoopsBits(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 2) int groups,
            @ForAll @IntRange(min = 1, max = 5) int cg,
            @ForAll @IntRange(min = 1, max = 20) int og,
            @ForAll @IntRange(min = 1, max = 15) int h,
            @ForAll @IntRange(min = 1, max = 15) int w,
            @ForAll @IntRange(min = 1, max = 5) int kh,
            @ForAll @IntRange(min = 1, max = 5) int kw,
            @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 2) int padding,
            @ForAll @IntRange(min = 1, max = 2) int dilation,
            @ForAll("byRows") Path path,
            @ForAll long seed) {
        convolutions(false, n, groups, cg, og, h, w, kh, kw, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, path, seed);
    }

    @Provide
    Arbitrary<Path> byRows() {
        return Arbitraries.of(Path.WEIGHT_BY_ROWS, Path.WEIGHT_BY_ROWS_IN_FOURS, Path.WEIGHT_BY_ROWS_IN_FIVES);
    }

    /**
     * {@link DirectForward} and {@link DirectInputGrad} with blocks of eight or four channels and
     * channels left over, groups, rows of one vector or several (W up to 40), paddings wider than
     * the kernel's reach, dilation and one image, and what {@link Library#conv} chooses: the same checks.
     */
    @Property(tries = 200)
    void theDirectKernelsGiveThePlainLoopsBits(
            @ForAll @IntRange(min = 1, max = 3) int n,
            @ForAll @IntRange(min = 1, max = 2) int groups,
            @ForAll @IntRange(min = 1, max = 20) int cg,
            @ForAll @IntRange(min = 1, max = 20) int og,
            @ForAll @IntRange(min = 1, max = 15) int h,
            @ForAll @IntRange(min = 1, max = 40) int w,
            @ForAll @IntRange(min = 1, max = 5) int kh,
            @ForAll @IntRange(min = 1, max = 5) int kw,
            @ForAll @IntRange(min = 0, max = 3) int paddingH,
            @ForAll @IntRange(min = 0, max = 3) int padding,
            @ForAll @IntRange(min = 1, max = 2) int dilationH,
            @ForAll @IntRange(min = 1, max = 2) int dilation,
            @ForAll("direct") Path path,
            @ForAll long seed) {
        convolutions(false, n, groups, cg, og, h, w, kh, kw, new int[] {1, 1}, new int[] {paddingH, padding},
                new int[] {dilationH, dilation}, path, seed);
    }

    @Provide
    Arbitrary<Path> direct() {
        return Arbitraries.of(Path.DIRECT, Path.DIRECT_IN_FOURS, Path.DIRECT_IN_FIVES, Path.CHOSEN);
    }

    /**
     * {@link ChannelsWeightGrad}: input channels of one or two vectors per group, output channels
     * in blocks of eight and left over, an odd or even number of taps (pairs and the one left),
     * strides, paddings, dilations, groups and one image, two taps' sums of eight output channels
     * at a time, or of {@link DirectForward#blocks}' fives and fours or fours: the same checks (the forward and the input gradient by the direct kernels
     * or im2col).
     */
    @Property(tries = 60)
    void theWeightGradientByChannelsGivesThePlainLoopsBits(
            @ForAll @IntRange(min = 1, max = 2) int n,
            @ForAll @IntRange(min = 1, max = 2) int groups,
            @ForAll @IntRange(min = 1, max = 2) int vectors,
            @ForAll @IntRange(min = 1, max = 18) int og,
            @ForAll @IntRange(min = 1, max = 9) int h,
            @ForAll @IntRange(min = 1, max = 9) int w,
            @ForAll @IntRange(min = 1, max = 3) int kh,
            @ForAll @IntRange(min = 1, max = 4) int kw,
            @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 2) int padding,
            @ForAll @IntRange(min = 1, max = 2) int dilation,
            @ForAll long seed) {
        for (Path path : List.of(Path.DIRECT, Path.DIRECT_IN_FOURS, Path.DIRECT_IN_FIVES)) {
            convolutions(false, n, groups, vectors * ChannelsWeightGrad.L, og, h, w, kh, kw, new int[] {stride, 1}, new int[] {padding, 1},
                    new int[] {dilation, 1}, path, seed);
        }
        convolutions(false, n, groups, vectors * ChannelsWeightGrad.L, og, h, w, kh, kw, new int[] {1, stride}, new int[] {1, padding},
                new int[] {1, dilation}, Path.CHOSEN, seed);
    }

    /**
     * A weight that is not finite: {@link DirectInputGrad} would add a tap outside dy as
     * {@code inf * 0 = NaN}, where the plain loops add nothing, so {@link Im2Col} keeps col2im for
     * such weights: the pixels no tap of the infinite weight reads stay finite, with the plain loops' bits.
     */
    @Example
    void anInfiniteWeightLeavesThePixelsItDoesNotReadAsThePlainLoops() {
        Convolution conv = new Convolution(Convolution.Kind.INPUT_GRAD, List.of(1, 1), List.of(1, 1), List.of(1, 1), 1);
        int[] xs = {1, 8, 5, 5}, ws = {2, 8, 3, 3}, ys = {1, 2, 5, 5};
        Convolution.Sizes z = conv.sizes(ys, ws, xs);
        Random r = new Random(4);
        float[] wt = gaussian(r, 2 * 8 * 9), dy = gaussian(r, 2 * 25);
        wt[0] = Float.POSITIVE_INFINITY; // o = 0, c = 0, tap (0, 0): read by channel 0's pixels of rows and columns 0 to 3
        assertTrue(!DirectInputGrad.applies(z, wt));
        float[] dx = new float[8 * 25];
        Im2Col.run(conv, dy, wt, dx, z);
        float[] plain = plainInputGrad(dy, wt, z);
        for (int i = 0; i < dx.length; i++) assertEquals(Float.floatToIntBits(plain[i]), Float.floatToIntBits(dx[i]), "at " + i);
        assertTrue(!Float.isFinite(dx[0]) && Float.isFinite(dx[24]), dx[0] + " " + dx[24]);
    }

    /**
     * Which of LeNet's shapes take the direct kernels: the first layer's forward (six output
     * channels) where the block is four channels (AVX2: a block and two alone measured faster than
     * by columns), not where it is eight; the second layer's input gradient (six input channels) on
     * neither (two channels alone cost more than col2im), its forward (sixteen) on both.
     */
    @Example
    void leNetsSixChannelsTakeTheDirectKernelsWhereTheyWereMeasuredFaster() {
        List<Integer> one = List.of(1, 1);
        Convolution first = new Convolution(Convolution.Kind.FORWARD, one, List.of(2, 2), one, 1);
        Convolution.Sizes z1 = first.sizes(new int[] {64, 1, 28, 28}, new int[] {6, 1, 5, 5}, new int[] {64, 6, 28, 28});
        assertEquals(DirectForward.OB == 4, DirectForward.applies(z1));
        Convolution second = new Convolution(Convolution.Kind.FORWARD, one, List.of(0, 0), one, 1);
        Convolution.Sizes z2 = second.sizes(new int[] {64, 6, 14, 14}, new int[] {16, 6, 5, 5}, new int[] {64, 16, 10, 10});
        assertTrue(DirectForward.applies(z2));
        assertTrue(!DirectInputGrad.applies(z2, new float[16 * 6 * 25]));
        // Input channels past the blocks of four run one at a time, slower than col2im on AVX2: 9 and 13 go there, 12 does not.
        for (int c : new int[] {9, 12, 13, 16}) {
            Convolution.Sizes z = second.sizes(new int[] {64, c, 14, 14}, new int[] {16, c, 5, 5}, new int[] {64, 16, 10, 10});
            assertEquals(DirectInputGrad.LEFTOVERS || c % DirectInputGrad.CB == 0, DirectInputGrad.applies(z, new float[16 * c * 25]), c + " channels");
        }
    }

    /**
     * The blocks of five and four: the fives that leave the fewest channels one at a time, and of
     * those the most (the CNN sample's 32 output channels: four fives and three fours; its 16: four
     * fours; LeNet's six: a five and one alone).
     */
    @Example
    void theFivesLeaveTheFewestChannelsOneAtATimeAndAreTheMostThatDo() {
        assertEquals(4, DirectForward.fives(32));
        assertEquals(0, DirectForward.fives(16));
        assertEquals(1, DirectForward.fives(9));
        assertEquals(1, DirectForward.fives(13));
        assertEquals(1, DirectForward.fives(6));
        assertEquals(4, DirectForward.fives(20));
        assertEquals(0, DirectForward.fives(4));
        assertEquals(0, DirectForward.fives(3));
        assertEquals(List.of(5, 5, 5, 5, 4, 4, 4), blocks(32, 5));
        assertEquals(List.of(4, 4, 4, 4), blocks(16, 5));
        assertEquals(List.of(5, 1), blocks(6, 5));
        assertEquals(List.of(5, 1, 1), blocks(7, 5));
        assertEquals(List.of(4, 1, 1, 1), blocks(7, 4));
        assertEquals(List.of(8, 1, 1, 1), blocks(11, 8));
        // Every group the forward takes (applies: OB channels or more) fills a block, not all one at a time.
        for (int og = DirectForward.OB; og <= 40; og++) assertTrue(blocks(og, DirectForward.BLOCK).get(0) >= DirectForward.OB, "og " + og);
        assertEquals(DirectForward.BLOCK, ChannelsWeightGrad.PAIR_BLOCK);
        assertEquals(DirectForward.BLOCK, RowsWeightGrad.PAIR_BLOCK);
    }

    /** {@link DirectForward#blocks} as a list. */
    private static List<Integer> blocks(int og, int ob) {
        return java.util.Arrays.stream(DirectForward.blocks(og, ob)).boxed().toList();
    }

    /**
     * The CNN sample's second layer's channel counts (16 -> 32) on small odd images, padding 0 and 1,
     * kernels of nine taps (the last tap paired with the next vector of channels, or computed twice
     * where the vectors are odd) and of four (pairs only), and one, two or three vectors of input
     * channels, and LeNet's first layer's channel counts, on every blocking: the same checks.
     */
    @Example
    void theCnnLayersChannelCountsGiveThePlainLoopsBitsInEveryBlocking() {
        int l = ChannelsWeightGrad.L;
        for (Path path : List.of(Path.DIRECT, Path.DIRECT_IN_FOURS, Path.DIRECT_IN_FIVES)) {
            for (int padding = 0; padding <= 1; padding++) {
                int[] p = {padding, padding}, one = {1, 1};
                convolutions(false, 2, 1, 16, 32, 5, 7, 3, 3, one, p, one, path, 11 + padding);
                convolutions(false, 1, 1, l, 32, 3, 9, 3, 3, one, p, one, path, 13 + padding);
                convolutions(false, 1, 1, 3 * l, 13, 4, 5, 3, 3, one, p, one, path, 15 + padding);
                convolutions(false, 1, 2, 2 * l, 9, 6, 3, 2, 2, one, p, one, path, 17 + padding);
                convolutions(false, 2, 1, 1, 5, 5, 11, 3, 3, one, p, one, path, 19 + padding);
            }
            // LeNet's first layer's six output channels (a five and one alone) and fifteen (eight, then
            // five and two alone by rows), 5x5 with padding 2.
            convolutions(false, 2, 1, 1, 6, 9, 7, 5, 5, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, path, 21);
            convolutions(false, 1, 1, 2, 15, 6, 6, 5, 5, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, path, 22);
        }
    }

    /**
     * Paddings wider than the kernel reaches with rows of exactly a vector (or just under): dy's
     * rows are then wider than the lanes' reach, and {@link DirectInputGrad}'s row pitch must hold
     * them (found in review: each row spilled into the next and, in a thread's first, exact-size
     * scratch, past its end). On a new thread, so the scratch is that first one.
     */
    @Example
    void dyRowsWiderThanTheLanesReachFitTheirPitchInAFreshScratch() throws InterruptedException {
        int[] one = {1, 1};
        int l = ChannelsWeightGrad.L;
        Throwable[] failed = new Throwable[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                for (Path path : List.of(Path.DIRECT, Path.DIRECT_IN_FOURS, Path.DIRECT_IN_FIVES)) {
                    convolutions(false, 1, 1, 8, 8, 4, l, 1, 1, one, new int[] {1, 1}, one, path, 5);
                    convolutions(false, 1, 1, 9, 4, 2, l, 1, 3, one, new int[] {3, 3}, one, path, 6);
                    convolutions(false, 1, 1, 8, 8, 3, l - 1, 1, 1, one, new int[] {2, 2}, one, path, 7);
                }
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
    }

    /**
     * Products of at most 64 results over 2^15 terms or more, which {@link Library#matmul} would
     * split along k (other bits): a 1x1 forward over 32,768 channels, an input gradient from 32,768
     * output channels, a weight gradient over 39,998 positions; every path keeps one chain per
     * element (found in review: chunks of images made such forwards reachable at any batch).
     */
    @Example
    void productsWithFewResultsAndManyTermsKeepOneChainPerElement() {
        int[] one = {1, 1}, none = {0, 0};
        for (Path path : Path.values()) {
            convolutions(false, 2, 1, 1 << 15, 8, 1, 1, 1, 1, one, none, one, path, 1);
            convolutions(false, 1, 1, 1, 1 << 15, 1, 1, 1, 1, one, none, one, path, 2);
            convolutions(true, 1, 1, 1, 2, 1, 40_000, 1, 3, one, none, one, path, 3);
        }
    }

    /** {@code stride}, {@code padding}, {@code dilation}: height's then width's (a conv1d takes the width's). */
    private static void convolutions(boolean oneD, int n, int groups, int cg, int og, int h, int w, int kh, int kw, int[] stride,
                                     int[] padding, int[] dilation, Path path, long seed) {
        if (oneD) {
            h = 1;
            kh = 1;
        }
        // The padded input must hold the dilated kernel on every axis (Convolution.checkFits).
        if (h + 2 * (oneD ? 0 : padding[0]) < dilation[0] * (kh - 1) + 1 || w + 2 * padding[1] < dilation[1] * (kw - 1) + 1) return;
        List<Integer> s = oneD ? List.of(stride[1]) : List.of(stride[0], stride[1]), p = oneD ? List.of(padding[1]) : List.of(padding[0], padding[1]),
                d = oneD ? List.of(dilation[1]) : List.of(dilation[0], dilation[1]);
        Convolution conv = new Convolution(Convolution.Kind.FORWARD, s, p, d, groups);
        int c = cg * groups, o = og * groups;
        int oh = oneD ? 1 : (int) conv.outputSize(0, h, kh), ow = (int) conv.outputSize(oneD ? 0 : 1, w, kw);
        int[] xs = oneD ? new int[] {n, c, w} : new int[] {n, c, h, w}, ws = oneD ? new int[] {o, cg, kw} : new int[] {o, cg, kh, kw},
                ys = oneD ? new int[] {n, o, ow} : new int[] {n, o, oh, ow};
        Random r = new Random(seed);
        float[] x = gaussian(r, n * c * h * w), wt = gaussian(r, o * cg * kh * kw), dy = gaussian(r, n * o * oh * ow);
        String where = (oneD ? "conv1d" : "conv2d") + " n=" + n + " groups=" + groups + " cg=" + cg + " og=" + og + " h=" + h + " w=" + w
                + " k=" + kh + "x" + kw + " stride=" + s + " padding=" + p + " dilation=" + d
                + " (" + path + ")";
        Convolution.Sizes z = conv.sizes(xs, ws, ys);

        float[] y = new float[n * o * oh * ow];
        run(path, conv, x, wt, y, z);
        check(where + " forward", plainForward(x, wt, z), y, conv, x, xs, wt, ws, ys, (cg * kh * kw) + 1);

        Convolution input = conv.as(Convolution.Kind.INPUT_GRAD);
        float[] dx = new float[x.length];
        run(path, input, dy, wt, dx, z);
        check(where + " input gradient", plainInputGrad(dy, wt, z), dx, input, dy, ys, wt, ws, xs, (og + 1) * kh * kw + 1);

        Convolution weight = conv.as(Convolution.Kind.WEIGHT_GRAD);
        float[] dw = new float[wt.length];
        run(path, weight, x, dy, dw, z);
        check(where + " weight gradient", plainWeightGrad(x, dy, z), dw, weight, x, xs, dy, ys, ws, n * oh * ow + 1);
    }

    private static void run(Path path, Convolution conv, float[] a, float[] b, float[] out, Convolution.Sizes z) {
        switch (path) {
            case IMAGES -> ImageIm2Col.run(conv, a, b, out, z);
            case COLUMNS -> Im2Col.run(conv, a, b, out, z, false, Im2Col.CHUNK);
            case ROWS -> Im2Col.run(conv, a, b, out, z, true, Integer.MAX_VALUE);
            case ROWS_BY_IMAGE -> Im2Col.run(conv, a, b, out, z, true, 1);
            case WEIGHT_BY_ROWS, WEIGHT_BY_ROWS_IN_FOURS, WEIGHT_BY_ROWS_IN_FIVES -> {
                int block = switch (path) {
                    case WEIGHT_BY_ROWS -> 8;
                    case WEIGHT_BY_ROWS_IN_FIVES -> 5;
                    default -> 4;
                };
                if (conv.kind() == Convolution.Kind.WEIGHT_GRAD) RowsWeightGrad.run(a, b, out, z, block);
                else Im2Col.run(conv, a, b, out, z, true, Im2Col.CHUNK);
            }
            case DIRECT, DIRECT_IN_FOURS, DIRECT_IN_FIVES -> {
                boolean one = z.sh() == 1 && z.sw() == 1;
                int block = switch (path) {
                    case DIRECT -> 8;
                    case DIRECT_IN_FIVES -> 5;
                    default -> 4;
                };
                switch (conv.kind()) {
                    case FORWARD -> {
                        if (one) DirectForward.run(a, b, out, z, block);
                        else Im2Col.run(conv, a, b, out, z, true, Im2Col.CHUNK);
                    }
                    case INPUT_GRAD -> {
                        if (one) DirectInputGrad.run(a, b, out, z, block == 5 ? 4 : block);
                        else Im2Col.run(conv, a, b, out, z, true, Im2Col.CHUNK);
                    }
                    case WEIGHT_GRAD -> {
                        if (ChannelsWeightGrad.applies(z)) ChannelsWeightGrad.run(a, b, out, z, block);
                        else RowsWeightGrad.run(a, b, out, z, block);
                    }
                }
            }
            case CHOSEN -> Im2Col.run(conv, a, b, out, z);
        }
    }

    private static float[] gaussian(Random r, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /**
     * Bit for bit against {@code plain}; within {@code terms} roundings of the f64 reference, each
     * relative to the sum of the terms' magnitudes (the reference on the operands' absolute values).
     */
    private static void check(String where, float[] plain, float[] out, Convolution conv, float[] a, int[] as, float[] b, int[] bs,
                              int[] os, int terms) {
        double[] ref = conv.reference(doubles(a, false), as, doubles(b, false), bs, os);
        double[] magnitude = conv.reference(doubles(a, true), as, doubles(b, true), bs, os);
        for (int i = 0; i < out.length; i++) {
            assertEquals(Float.floatToIntBits(plain[i]), Float.floatToIntBits(out[i]), where + " at " + i + ": " + out[i] + " vs " + plain[i]);
            double bound = terms * U * magnitude[i];
            assertTrue(Math.abs(out[i] - ref[i]) <= bound, where + " at " + i + ": " + out[i] + " vs the reference's " + ref[i] + ", bound " + bound);
        }
    }

    private static double[] doubles(float[] v, boolean abs) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = abs ? Math.abs(v[i]) : v[i];
        return d;
    }

    /** x at (n, channel, ih, iw), or 0 in the padding. */
    private static float at(float[] x, Convolution.Sizes z, int n, int c, int ih, int iw) {
        return ih < 0 || ih >= z.h() || iw < 0 || iw >= z.w() ? 0f : x[((n * z.c() + c) * z.h() + ih) * z.w() + iw];
    }

    private static float[] plainForward(float[] x, float[] w, Convolution.Sizes z) {
        float[] y = new float[z.n() * z.o() * z.oh() * z.ow()];
        for (int n = 0; n < z.n(); n++) {
            for (int o = 0; o < z.o(); o++) {
                int g = o / z.og();
                for (int i = 0; i < z.oh(); i++) {
                    for (int j = 0; j < z.ow(); j++) {
                        float acc = 0f;
                        for (int c = 0; c < z.cg(); c++) {
                            for (int kh = 0; kh < z.kh(); kh++) {
                                for (int kw = 0; kw < z.kw(); kw++) {
                                    float v = at(x, z, n, g * z.cg() + c, i * z.sh() + kh * z.dh() - z.ph(), j * z.sw() + kw * z.dw() - z.pw());
                                    acc = Math.fma(w[((o * z.cg() + c) * z.kh() + kh) * z.kw() + kw], v, acc);
                                }
                            }
                        }
                        y[((n * z.o() + o) * z.oh() + i) * z.ow() + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** Each tap's column (a sum over the group's output channels), then added into dx tap by tap. */
    private static float[] plainInputGrad(float[] dy, float[] w, Convolution.Sizes z) {
        float[] dx = new float[z.n() * z.c() * z.h() * z.w()];
        int taps = z.kh() * z.kw();
        for (int n = 0; n < z.n(); n++) {
            for (int ci = 0; ci < z.c(); ci++) {
                int g = ci / z.cg(), c = ci % z.cg();
                for (int t = 0; t < taps; t++) {
                    int kh = t / z.kw(), kw = t % z.kw();
                    for (int i = 0; i < z.oh(); i++) {
                        for (int j = 0; j < z.ow(); j++) {
                            float col = 0f;
                            for (int o = g * z.og(); o < (g + 1) * z.og(); o++) {
                                col = Math.fma(w[(o * z.cg() + c) * taps + t], dy[((n * z.o() + o) * z.oh() + i) * z.ow() + j], col);
                            }
                            int ih = i * z.sh() + kh * z.dh() - z.ph(), iw = j * z.sw() + kw * z.dw() - z.pw();
                            if (ih >= 0 && ih < z.h() && iw >= 0 && iw < z.w()) dx[((n * z.c() + ci) * z.h() + ih) * z.w() + iw] += col;
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static float[] plainWeightGrad(float[] x, float[] dy, Convolution.Sizes z) {
        float[] dw = new float[z.o() * z.cg() * z.kh() * z.kw()];
        for (int o = 0; o < z.o(); o++) {
            int g = o / z.og();
            for (int c = 0; c < z.cg(); c++) {
                for (int kh = 0; kh < z.kh(); kh++) {
                    for (int kw = 0; kw < z.kw(); kw++) {
                        float acc = 0f;
                        for (int n = 0; n < z.n(); n++) {
                            for (int i = 0; i < z.oh(); i++) {
                                for (int j = 0; j < z.ow(); j++) {
                                    float v = at(x, z, n, g * z.cg() + c, i * z.sh() + kh * z.dh() - z.ph(), j * z.sw() + kw * z.dw() - z.pw());
                                    acc = Math.fma(dy[((n * z.o() + o) * z.oh() + i) * z.ow() + j], v, acc);
                                }
                            }
                        }
                        dw[((o * z.cg() + c) * z.kh() + kh) * z.kw() + kw] = acc;
                    }
                }
            }
        }
        return dw;
    }
}
