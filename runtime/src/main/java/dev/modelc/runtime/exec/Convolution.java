package dev.modelc.runtime.exec;

import java.util.List;

/**
 * One of the three convolutions a {@code conv1d}/{@code conv2d} and its derivatives need, with
 * its geometry (PyTorch's {@code F.conv1d}/{@code F.conv2d}: zero padding on both sides, no
 * bias), and their reference loops in f64. The three are each other's adjoints, so every
 * derivative of a convolution is again one of them:
 * <ul>
 *   <li>{@link Kind#FORWARD} {@code y = conv(x, w)}: x {@code [N, C, *S]}, w {@code [O, C / groups, *K]},
 *       y {@code [N, O, *OS]} with {@code OS = (S + 2 padding - dilation (K - 1) - 1) / stride + 1};</li>
 *   <li>{@link Kind#INPUT_GRAD} {@code dx = conv_transpose(dy, w)}, shape of x: the adjoint in x;</li>
 *   <li>{@link Kind#WEIGHT_GRAD} {@code dw = conv_weight(x, dy)}, shape of w: the adjoint in w.</li>
 * </ul>
 * The lists hold one entry per spatial axis (one for conv1d, two for conv2d); a conv1d runs as a
 * conv2d of height 1.
 */
public record Convolution(Kind kind, List<Integer> stride, List<Integer> padding, List<Integer> dilation, int groups) {

    /** Which of the three a node or call computes. */
    public enum Kind {
        FORWARD("conv"), INPUT_GRAD("conv_input_grad"), WEIGHT_GRAD("conv_weight_grad");

        private final String spelling;

        Kind(String spelling) {
            this.spelling = spelling;
        }

        /** The name the graph and plan text print. */
        public String spelling() {
            return spelling;
        }

        public static Kind of(String spelling) {
            for (Kind k : values()) if (k.spelling.equals(spelling)) return k;
            throw new IllegalArgumentException("no convolution " + spelling);
        }
    }

    public Convolution {
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        dilation = List.copyOf(dilation);
        if (stride.size() != padding.size() || stride.size() != dilation.size() || stride.isEmpty() || stride.size() > 2) {
            throw new IllegalArgumentException("a convolution has one or two spatial axes, given " + stride + padding + dilation);
        }
    }

    /** The number of spatial axes: 1 (conv1d) or 2 (conv2d). */
    public int spatial() {
        return stride.size();
    }

    /** The same geometry computing {@code kind}. */
    public Convolution as(Kind k) {
        return new Convolution(k, stride, padding, dilation, groups);
    }

    /** The output size along spatial axis {@code a} for an input of {@code size} and a kernel of {@code kernel}, rounded down. */
    public long outputSize(int a, long size, long kernel) {
        long span = size + 2L * padding.get(a) - (long) dilation.get(a) * (kernel - 1) - 1;
        return Math.floorDiv(span, stride.get(a)) + 1;
    }

    /** The text form: {@code conv[stride=(2,2) padding=(1,1) dilation=(1,1) groups=1]}. */
    public String label() {
        return kind.spelling + "[stride=" + tuple(stride) + " padding=" + tuple(padding) + " dilation=" + tuple(dilation)
                + " groups=" + groups + "]";
    }

    private static String tuple(List<Integer> v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.size(); i++) b.append(i == 0 ? "" : ",").append(v.get(i));
        return b.append(')').toString();
    }

    /**
     * The sizes of one call, read from the shapes of its operands and result (a conv1d as a
     * conv2d of height 1): batch, channels in and out, input, kernel and output extents, and
     * the geometry per axis.
     */
    public record Sizes(int n, int c, int o, int groups, int h, int w, int kh, int kw, int oh, int ow,
                        int sh, int sw, int ph, int pw, int dh, int dw) {
        /** Input channels per group. */
        public int cg() {
            return c / groups;
        }

        /** Output channels per group. */
        public int og() {
            return o / groups;
        }
    }

    /** The sizes of a call of this convolution on operands of shapes {@code a}, {@code b} with result shape {@code out}. */
    public Sizes sizes(int[] a, int[] b, int[] out) {
        int[] x, w, y;
        switch (kind) {
            case FORWARD -> { x = a; w = b; y = out; }
            case INPUT_GRAD -> { y = a; w = b; x = out; }
            case WEIGHT_GRAD -> { x = a; y = b; w = out; }
            default -> throw new IllegalStateException();
        }
        boolean one = spatial() == 1;
        int last = one ? 0 : 1;
        return new Sizes(x[0], x[1], w[0], groups, one ? 1 : x[2], x[2 + last], one ? 1 : w[2], w[2 + last],
                one ? 1 : y[2], y[2 + last], one ? 1 : stride.get(0), stride.get(last), one ? 0 : padding.get(0),
                padding.get(last), one ? 1 : dilation.get(0), dilation.get(last));
    }

    /**
     * This convolution of {@code a} (shape {@code as}) and {@code b} (shape {@code bs}) into a
     * result of shape {@code out}: plain loops, every output element one f64 sum, in the order
     * input channel, kernel row, kernel column (for the weight gradient: batch, output row,
     * output column). The reference interpreter and f64 plans run these.
     */
    public double[] reference(double[] a, int[] as, double[] b, int[] bs, int[] out) {
        Sizes z = sizes(as, bs, out);
        checkFits(z);
        return switch (kind) {
            case FORWARD -> forward(a, b, z);
            case INPUT_GRAD -> inputGrad(a, b, z);
            case WEIGHT_GRAD -> weightGrad(a, b, z);
        };
    }

    /**
     * Refuses an input shorter than the kernel's span (after padding), which only symbolic sizes
     * can reach at run time (the checker refuses fixed ones): PyTorch refuses it too, rather than
     * giving an empty result.
     */
    public void checkFits(Sizes z) {
        int[][] axes = spatial() == 1 ? new int[][] {{z.w(), z.kw(), z.pw(), z.dw()}}
                : new int[][] {{z.h(), z.kh(), z.ph(), z.dh()}, {z.w(), z.kw(), z.pw(), z.dw()}};
        for (int a = 0; a < axes.length; a++) {
            int[] v = axes[a];
            long reach = (long) v[3] * (v[1] - 1) + 1;
            if (v[0] + 2L * v[2] < reach) {
                throw new ExecutionError("conv" + spatial() + "d: the input's size " + v[0] + " on axis " + (2 + a) + " (padded by "
                        + v[2] + " on both sides) is smaller than the kernel's span " + reach);
            }
        }
    }

    private static double[] forward(double[] x, double[] w, Sizes z) {
        double[] y = new double[z.n() * z.o() * z.oh() * z.ow()];
        int cg = z.cg(), og = z.og();
        for (int n = 0; n < z.n(); n++) {
            for (int o = 0; o < z.o(); o++) {
                int c0 = (o / og) * cg;
                for (int i = 0; i < z.oh(); i++) {
                    for (int j = 0; j < z.ow(); j++) {
                        double s = 0;
                        for (int c = 0; c < cg; c++) {
                            for (int kh = 0; kh < z.kh(); kh++) {
                                int ih = i * z.sh() + kh * z.dh() - z.ph();
                                if (ih < 0 || ih >= z.h()) continue;
                                for (int kw = 0; kw < z.kw(); kw++) {
                                    int iw = j * z.sw() + kw * z.dw() - z.pw();
                                    if (iw < 0 || iw >= z.w()) continue;
                                    s += x[((n * z.c() + c0 + c) * z.h() + ih) * z.w() + iw]
                                            * w[((o * cg + c) * z.kh() + kh) * z.kw() + kw];
                                }
                            }
                        }
                        y[((n * z.o() + o) * z.oh() + i) * z.ow() + j] = s;
                    }
                }
            }
        }
        return y;
    }

    /** dx[n, c, ih, iw] = sum over the outputs that read it of dy * w, in the order output channel, kernel row, kernel column. */
    private static double[] inputGrad(double[] g, double[] w, Sizes z) {
        double[] dx = new double[z.n() * z.c() * z.h() * z.w()];
        int cg = z.cg(), og = z.og();
        for (int n = 0; n < z.n(); n++) {
            for (int ci = 0; ci < z.c(); ci++) {
                int o0 = (ci / cg) * og, c = ci % cg;
                for (int ih = 0; ih < z.h(); ih++) {
                    for (int iw = 0; iw < z.w(); iw++) {
                        double s = 0;
                        for (int o = o0; o < o0 + og; o++) {
                            for (int kh = 0; kh < z.kh(); kh++) {
                                int th = ih + z.ph() - kh * z.dh();
                                if (th < 0 || th % z.sh() != 0 || th / z.sh() >= z.oh()) continue;
                                int i = th / z.sh();
                                for (int kw = 0; kw < z.kw(); kw++) {
                                    int tw = iw + z.pw() - kw * z.dw();
                                    if (tw < 0 || tw % z.sw() != 0 || tw / z.sw() >= z.ow()) continue;
                                    s += g[((n * z.o() + o) * z.oh() + i) * z.ow() + tw / z.sw()]
                                            * w[((o * cg + c) * z.kh() + kh) * z.kw() + kw];
                                }
                            }
                        }
                        dx[((n * z.c() + ci) * z.h() + ih) * z.w() + iw] = s;
                    }
                }
            }
        }
        return dx;
    }

    /** dw[o, c, kh, kw] = sum over batch and output positions of dy * x, in the order batch, output row, output column. */
    private static double[] weightGrad(double[] x, double[] g, Sizes z) {
        int cg = z.cg(), og = z.og();
        double[] dw = new double[z.o() * cg * z.kh() * z.kw()];
        for (int o = 0; o < z.o(); o++) {
            int c0 = (o / og) * cg;
            for (int c = 0; c < cg; c++) {
                for (int kh = 0; kh < z.kh(); kh++) {
                    for (int kw = 0; kw < z.kw(); kw++) {
                        double s = 0;
                        for (int n = 0; n < z.n(); n++) {
                            for (int i = 0; i < z.oh(); i++) {
                                int ih = i * z.sh() + kh * z.dh() - z.ph();
                                if (ih < 0 || ih >= z.h()) continue;
                                for (int j = 0; j < z.ow(); j++) {
                                    int iw = j * z.sw() + kw * z.dw() - z.pw();
                                    if (iw < 0 || iw >= z.w()) continue;
                                    s += g[((n * z.o() + o) * z.oh() + i) * z.ow() + j]
                                            * x[((n * z.c() + c0 + c) * z.h() + ih) * z.w() + iw];
                                }
                            }
                        }
                        dw[((o * cg + c) * z.kh() + kh) * z.kw() + kw] = s;
                    }
                }
            }
        }
        return dw;
    }
}
