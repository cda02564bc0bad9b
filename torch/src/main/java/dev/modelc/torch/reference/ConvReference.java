package dev.modelc.torch.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelc.torch.Libtorch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes PyTorch's values of {@code F.conv1d} and {@code F.conv2d} (no bias) in float64 as JSON,
 * over cases with strides, paddings, dilations and groups: the value {@code y = conv(x, w)}, the
 * gradients of {@code sum(r * y)} in x and w, and the second derivatives: the gradients in x and
 * w of {@code sum(dx * vx) + sum(dw * vw)} (a Hessian-vector product in the direction
 * {@code (vx, vw)}), all by autograd (the first backward with create_graph). Run by
 * {@code scripts/torch-reference}; the argument is the file to write.
 */
public final class ConvReference {
    private ConvReference() {
    }

    /** One call: x's and w's shapes, and the geometry per spatial axis. */
    record Case(String name, int[] x, int[] w, int[] stride, int[] padding, int[] dilation, int groups) {
        int spatial() {
            return x.length - 2;
        }

        /** The modelc call of x and w. */
        String call() {
            return "conv" + spatial() + "d(x, w, stride = " + list(stride) + ", padding = " + list(padding) + ", dilation = "
                    + list(dilation) + ", groups = " + groups + ")";
        }

        private static String list(int[] v) {
            if (v.length == 1) return Integer.toString(v[0]);
            return "[" + v[0] + ", " + v[1] + "]";
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("conv1d_plain", new int[] {2, 3, 7}, new int[] {4, 3, 3}, new int[] {1}, new int[] {0}, new int[] {1}, 1),
                new Case("conv1d_stride_pad", new int[] {2, 2, 9}, new int[] {3, 2, 4}, new int[] {2}, new int[] {1}, new int[] {1}, 1),
                new Case("conv1d_dilation_groups", new int[] {1, 4, 11}, new int[] {6, 2, 3}, new int[] {3}, new int[] {2},
                        new int[] {2}, 2),
                new Case("conv2d_plain", new int[] {2, 2, 5, 6}, new int[] {3, 2, 3, 3}, new int[] {1, 1}, new int[] {0, 0},
                        new int[] {1, 1}, 1),
                new Case("conv2d_stride_pad", new int[] {2, 3, 7, 8}, new int[] {2, 3, 3, 2}, new int[] {2, 3}, new int[] {1, 2},
                        new int[] {1, 1}, 1),
                new Case("conv2d_dilation", new int[] {1, 2, 9, 8}, new int[] {2, 2, 3, 3}, new int[] {1, 2}, new int[] {2, 0},
                        new int[] {2, 3}, 1),
                new Case("conv2d_groups", new int[] {2, 6, 6, 5}, new int[] {4, 3, 2, 3}, new int[] {1, 1}, new int[] {1, 1},
                        new int[] {1, 1}, 2),
                new Case("conv2d_depthwise", new int[] {1, 3, 6, 6}, new int[] {6, 1, 3, 3}, new int[] {2, 2}, new int[] {1, 1},
                        new int[] {1, 1}, 3),
                new Case("conv2d_lenet", new int[] {2, 1, 12, 12}, new int[] {4, 1, 5, 5}, new int[] {1, 1}, new int[] {2, 2},
                        new int[] {1, 1}, 1));
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ConvReference <fixture.json>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Libtorch torch = Libtorch.start();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", torch.describe() + "; written by scripts/torch-reference (torch/, dev.modelc.torch.reference.ConvReference)");
        ArrayNode notes = root.putArray("notes");
        List.of("Each case: call is the modelc expression of x and w, computed by libtorch's F.conv1d/F.conv2d (bias none) "
                        + "through DJL's Conv1d.conv1d/Conv2d.conv2d with the same stride, padding, dilation and groups; "
                        + "all arrays row-major, in float64.",
                "y = conv(x, w); dx, dw = the gradients of sum(r * y) by torch autograd (backward with create_graph); "
                        + "hx, hw = the gradients in x and w of sum(dx * vx) + sum(dw * vw), the Hessian-vector product of "
                        + "sum(r * y) in the direction (vx, vw).").forEach(notes::add);
        ArrayNode cases = root.putArray("cases");
        SplittableRandom random = new SplittableRandom(14);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Case c : cases()) {
                try (NDManager sub = m.newSubManager()) {
                    write(cases.addObject(), c, random, sub);
                }
            }
        }
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writer(pretty).writeValueAsString(root) + "\n");
        System.out.println("wrote " + cases.size() + " cases to " + out + " (" + torch.describe() + ")");
    }

    private static void write(ObjectNode n, Case c, SplittableRandom random, NDManager m) {
        double[] xv = draws(random, numel(c.x())), wv = draws(random, numel(c.w()));
        PtNDArray x = (PtNDArray) m.create(xv, shape(c.x()));
        PtNDArray w = (PtNDArray) m.create(wv, shape(c.w()));
        JniUtils.attachGradient(x, true);
        JniUtils.attachGradient(w, true);
        NDArray y = (c.spatial() == 1
                ? Conv1d.conv1d(x, w, null, new Shape(c.stride()[0]), new Shape(c.padding()[0]), new Shape(c.dilation()[0]), c.groups())
                : Conv2d.conv2d(x, w, null, new Shape(c.stride()[0], c.stride()[1]), new Shape(c.padding()[0], c.padding()[1]),
                new Shape(c.dilation()[0], c.dilation()[1]), c.groups())).singletonOrThrow();
        if (y.getDataType() != DataType.FLOAT64) throw new IllegalStateException(c.name() + ": float64 in, " + y.getDataType() + " out");
        double[] r = draws(random, (int) y.size()), vx = draws(random, xv.length), vw = draws(random, wv.length);
        JniUtils.backward((PtNDArray) y, (PtNDArray) m.create(r, y.getShape()), true, true);
        PtNDArray dx = JniUtils.getGradient(x), dw = JniUtils.getGradient(w);
        double[] dxv = dx.toDoubleArray(), dwv = dw.toDoubleArray();
        // The gradients carry their graph (create_graph); the second backward runs on sum(dx * vx) + sum(dw * vw).
        NDArray s = dx.mul(m.create(vx, dx.getShape())).sum().add(dw.mul(m.create(vw, dw.getShape())).sum());
        JniUtils.zeroGrad(x);
        JniUtils.zeroGrad(w);
        JniUtils.backward((PtNDArray) s, (PtNDArray) m.create(1.0), false, false);
        double[] hx = JniUtils.getGradient(x).toDoubleArray(), hw = JniUtils.getGradient(w).toDoubleArray();
        n.put("name", c.name());
        n.put("call", c.call());
        ints(n.putArray("x_shape"), c.x());
        ints(n.putArray("w_shape"), c.w());
        ArrayNode ys = n.putArray("y_shape");
        for (long d : y.getShape().getShape()) ys.add(d);
        numbers(n.putArray("x"), xv);
        numbers(n.putArray("w"), wv);
        numbers(n.putArray("y"), y.toDoubleArray());
        numbers(n.putArray("r"), r);
        numbers(n.putArray("dx"), dxv);
        numbers(n.putArray("dw"), dwv);
        numbers(n.putArray("vx"), vx);
        numbers(n.putArray("vw"), vw);
        numbers(n.putArray("hx"), hx);
        numbers(n.putArray("hw"), hw);
    }

    private static Shape shape(int[] dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < d.length; i++) d[i] = dims[i];
        return new Shape(d);
    }

    private static int numel(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** Operands and directions: uniform in [-2, 2), rounded to 3 decimals. */
    private static double[] draws(SplittableRandom random, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.round(random.nextDouble(-2, 2) * 1e3) / 1e3;
        return out;
    }

    private static void ints(ArrayNode to, int[] values) {
        for (int v : values) to.add(v);
    }

    private static void numbers(ArrayNode to, double[] values) {
        for (double v : values) to.add(v);
    }
}
