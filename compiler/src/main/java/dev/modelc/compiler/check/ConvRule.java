package dev.modelc.compiler.check;

import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.Convolution;
import java.util.ArrayList;
import java.util.List;

/**
 * The typing rule of {@code conv1d(x, w, stride = 1, padding = 0, dilation = 1, groups = 1)} and
 * {@code conv2d(...)}, PyTorch's {@code F.conv1d}/{@code F.conv2d} without the bias: x
 * {@code [N, C, *S]}, w {@code [O, C / groups, *K]}, result {@code [N, O, *OS]} with
 * {@code OS = (S + 2 padding - dilation (K - 1) - 1) / stride + 1} rounded down. A spatial size may be
 * symbolic only with stride 1, where OS stays a polynomial; the kernel's sizes are static.
 */
final class ConvRule {
    static final Signature SIGNATURE = Signature.of("x", "w").keywords("stride", "padding", "dilation", "groups");

    private ConvRule() {
    }

    static Value check(Site s, int spatial) {
        String name = spatial == 1 ? "conv1d" : "conv2d";
        String layout = spatial == 1 ? "[N, C, L]" : "[N, C, H, W]";
        String kernelLayout = spatial == 1 ? "[O, C / groups, K]" : "[O, C / groups, KH, KW]";
        Tensor x = s.floating("x");
        Tensor w = s.floating("w");
        List<Integer> stride = ints(s, "stride", spatial, 1, name);
        List<Integer> padding = ints(s, "padding", spatial, 0, name);
        List<Integer> dilation = ints(s, "dilation", spatial, 1, name);
        Long groupsArg = s.constInt("groups", 1L);
        if (x == null || w == null || stride == null || padding == null || dilation == null || groupsArg == null || s.failed()) {
            return Value.POISON;
        }
        TensorType xt = x.type(), wt = w.type();
        int rank = spatial + 2;
        if (xt.rank() != rank) {
            return s.fail("x", name + " needs x of shape " + layout + ", found " + xt, "w is " + wt
                    + (xt.rank() == rank - 1 ? "; add the batch axis with unsqueeze(x, axis = 0)" : ""));
        }
        if (wt.rank() != rank) {
            return s.fail("w", name + " needs a weight of shape " + kernelLayout + ", found " + wt, "x is " + xt);
        }
        DTypes.Joined j = DTypes.join(xt, wt);
        if (j instanceof DTypes.Joined.Mismatch m) return s.fail("w", name + " needs x and w of one dtype, found " + xt + " and " + wt, m.note());
        if (groupsArg < 1) return s.fail("groups", "groups must be at least 1, found " + groupsArg);
        int groups = (int) Math.min(groupsArg, Integer.MAX_VALUE);
        Shape xs = xt.shape(), ws = wt.shape();
        Dim channels = xs.dim(1), out = ws.dim(0);
        if (groups > 1) {
            if (channels.isConstant() && channels.constant() % groups != 0) {
                return s.fail("groups", "groups = " + groups + " does not divide the " + channels + " input channels of x " + xt,
                        "w is " + wt + "; each group convolves C / groups input channels");
            }
            if (out.isConstant() && out.constant() % groups != 0) {
                return s.fail("groups", "groups = " + groups + " does not divide the " + out + " output channels of w " + wt,
                        "x is " + xt + "; each group makes O / groups output channels");
            }
        }
        if (!channels.equals(ws.dim(1).times(Dim.of(groups)))) {
            return s.fail("w", name + ": x has " + channels + " channels but w expects " + ws.dim(1)
                            + (groups == 1 ? "" : " per group, " + ws.dim(1).times(Dim.of(groups)) + " in all (groups = " + groups + ")")
                            + ": x " + xt + ", w " + wt,
                    "axis 1 of x must be axis 1 of w times groups: w is " + kernelLayout);
        }
        Convolution conv = new Convolution(Convolution.Kind.FORWARD, stride, padding, dilation, groups);
        List<Dim> result = new ArrayList<>(List.of(xs.dim(0), out));
        for (int a = 0; a < spatial; a++) {
            int axis = 2 + a;
            Dim size = xs.dim(axis), kernel = ws.dim(axis);
            if (!kernel.isConstant()) {
                return s.fail("w", name + " needs a kernel of static size, found " + kernel + " on axis " + axis + " of w " + wt, "x is " + xt);
            }
            if (kernel.constant() < 1) {
                return s.fail("w", name + " needs a kernel of at least one element, found " + kernel + " on axis " + axis + " of w " + wt);
            }
            if (!size.isConstant() && stride.get(a) != 1) {
                return s.fail("x", name + " with stride " + stride.get(a) + " needs a static size on axis " + axis + " of x, found "
                                + size + " in " + xt,
                        "the output size (" + size + " + 2 * " + padding.get(a) + " - " + dilation.get(a) + " * (" + kernel + " - 1) - 1) / "
                                + stride.get(a) + " + 1 rounds down, which a size polynomial cannot say; only stride 1 allows a symbolic size");
            }
            long reach = (long) dilation.get(a) * (kernel.constant() - 1) + 1;
            if (size.isConstant() && size.constant() + 2L * padding.get(a) < reach) {
                return s.fail("w", name + ": the kernel on axis " + axis + " spans " + reach + (reach == kernel.constant() ? "" : " (" + kernel
                                + " taps, dilation " + dilation.get(a) + ")") + ", more than the padded input's " + size + " + 2 * "
                                + padding.get(a) + " = " + (size.constant() + 2L * padding.get(a)) + ": x " + xt + ", w " + wt,
                        "the output would have no elements; pad the input or use a smaller kernel");
            }
            result.add(Emitter.convOutput(conv, a, size, kernel));
        }
        DTypes.Joined.Ok ok = (DTypes.Joined.Ok) j;
        TensorType type = new TensorType(ok.dtype(), ok.weak(), new Shape(result));
        DType d = Lowering.natural(type);
        Lowering l = s.lowering();
        return new Tensor(type, x.constant() && w.constant(), null, s.at().conv(conv, l.as(x, d), l.as(w, d)));
    }

    /**
     * {@code stride}, {@code padding} or {@code dilation}: a constant int, or a list of one per
     * spatial axis; each at least {@code least}. Null (after reporting) when it is something else.
     */
    private static List<Integer> ints(Site s, String arg, int spatial, int least, String name) {
        List<Integer> out = new ArrayList<>();
        if (!s.has(arg)) {
            for (int a = 0; a < spatial; a++) out.add(least == 0 ? 0 : 1);
            return out;
        }
        List<Dim> given = s.constInts(arg);
        String expected = spatial == 1 ? "a constant int" : "a constant int or a list of two ints";
        if (given == null) {
            if (!s.failed()) s.fail(arg, "argument '" + arg + "' of '" + name + "' must be " + expected + ", found " + s.text(arg));
            return null;
        }
        if (given.size() == 1 && s.isScalar(arg)) given = java.util.Collections.nCopies(spatial, given.getFirst());
        if (given.size() != spatial) {
            s.fail(arg, "argument '" + arg + "' of '" + name + "' must be " + expected + ", found " + given.size() + " values in "
                    + s.text(arg), name + " has " + spatial + (spatial == 1 ? " spatial axis" : " spatial axes"));
            return null;
        }
        for (Dim d : given) {
            if (!d.isConstant()) {
                s.fail(arg, "argument '" + arg + "' of '" + name + "' must be " + expected + ", found " + s.text(arg));
                return null;
            }
            if (d.constant() < least || d.constant() > Integer.MAX_VALUE / 4) {
                s.fail(arg, arg + " must be " + (least == 0 ? "zero or more" : "at least 1") + ", found " + d.constant(),
                        switch (arg) {
                            case "stride" -> "the step between windows; 1 visits every position";
                            case "dilation" -> "the spacing of the kernel's taps; 1 is a plain kernel";
                            default -> "zeros added on both sides of each spatial axis";
                        });
                return null;
            }
            out.add((int) d.constant());
        }
        return out;
    }
}
