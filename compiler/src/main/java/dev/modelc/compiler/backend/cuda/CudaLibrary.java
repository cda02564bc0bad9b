package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;
import java.util.List;
import java.util.Optional;

/**
 * The library calls that run on the GPU, in f64 as the runtime's {@code Reference} computes them
 * and rounded once to the result's dtype. Two shapes of kernel:
 * <ul>
 *   <li>a thread per row along the call's axis ({@link #render}): softmax and log_softmax
 *       (shifted by the row's maximum), argmax and argmin along an axis (the first best; NaN beats
 *       everything, as in NumPy);
 *   <li>a thread per output element ({@link #renderPerOutput}), which reads what that element
 *       needs from any number of inputs: logsumexp (each output folds its own elements in the
 *       order {@code Reference} adds them, so the sums round alike), pad (the adjoint of a
 *       strided slice), concat (a copy from the part that holds the element), and convolutions
 *       and their adjoints ({@link CudaConv}: each result element one f64 sum in the reference
 *       loops' order), and max pooling and its derivatives' ops ({@link CudaMaxPool}).
 * </ul>
 * One-hot, row selection and gather run a thread per output element too, and check their indices
 * through an error word ({@link #renderChecked}). The others stay on the host, each for a reason:
 * the scatter-adds (the gradients of row selection and gather) add repeated indices in the
 * JVM's order, which atomic adds on a GPU would not keep (a deterministic segmented sum is the
 * way to move them), random initializers draw from the JVM's generator, the step's normal draws
 * use fdlibm's log and cos (the uniform ones run here, {@link CudaPhilox}), and an argmax of a
 * flattened tensor is one row of all elements.
 */
final class CudaLibrary {
    private CudaLibrary() {
    }

    /** The kernel for {@code c}, or empty when it runs on the host. */
    static Optional<String> render(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes) {
        return switch (c.op()) {
            case Op.Softmax s -> Optional.of(rows(function, c, plan, sizes, s.axis(), softmax(s.log(), plan.buffer(c.out()).dtype())));
            case Op.ArgReduce a when a.axis() >= 0 -> Optional.of(rows(function, c, plan, sizes, a.axis(), argReduce(a.max(),
                    plan.buffer(c.out()).dtype())));
            default -> Optional.empty();
        };
    }

    /**
     * The kernel for {@code c} with a thread per output element, or empty when it has none.
     * Arguments: each input's pointer in order, the output's, then every symbol of the plan.
     */
    static Optional<String> renderPerOutput(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes) {
        return switch (c.op()) {
            case Op.Reduce r -> Optional.of(perOutput(function, c, plan, sizes, logsumexp(c, r.axes(), sizes), ""));
            case Op.Pad p -> Optional.of(perOutput(function, c, plan, sizes, pad(c, p, sizes), ""));
            case Op.Concat k -> Optional.of(perOutput(function, c, plan, sizes, concat(c, k.axis(), sizes), ""));
            case Op.Conv cv -> Optional.of(CudaConv.render(function, c, plan, sizes, cv.conv()));
            case Op.MaxPool m -> Optional.of(CudaMaxPool.render(function, c, plan, sizes, m.pool()));
            // The step key comes after the symbols (see CudaPhilox); normals stay on the host.
            case Op.Draw d when !d.normal() && plan.buffer(c.out()).dtype().isFloating() ->
                    Optional.of(perOutput(function, c, plan, sizes, CudaPhilox.uniform(d.site(), plan.buffer(c.out()).dtype()),
                            ", long long key"));
            default -> Optional.empty();
        };
    }

    /**
     * The kernel for {@code c} with a thread per output element that checks indices, or empty when
     * it has none: one-hot (its labels), row selection and gather (their indices). Arguments: as
     * {@link #renderPerOutput}'s, then an {@code int*} error word that starts at zero; a thread
     * that meets an index out of range writes zero for its element and sets the word, and the
     * runtime, seeing it set, runs the call on the host for the JVM's message (so every backend
     * refuses the same index with the same words).
     */
    static Optional<String> renderChecked(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes) {
        String body = switch (c.op()) {
            case Op.OneHot h -> oneHot(h.classes());
            case Op.IndexSelect i -> indexSelect(c, sizes);
            case Op.Gather g -> gather(c, g.axis(), sizes);
            default -> null;
        };
        if (body == null) return Optional.empty();
        return Optional.of(perOutput(function, c, plan, sizes, body, ", int* __restrict__ error"));
    }

    /** {@code extra}: parameters after the symbols (an index check's error word, a draw's step key), each with its leading comma. */
    private static String perOutput(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes, String body, String extra) {
        StringBuilder params = new StringBuilder();
        for (int i = 0; i < c.inputs().size(); i++) {
            params.append("const ").append(CudaProgram.cType(plan.buffer(c.inputs().get(i)).dtype())).append("* __restrict__ x").append(i)
                    .append(", ");
        }
        String out = CudaProgram.cType(plan.buffer(c.out()).dtype());
        params.append(out).append("* __restrict__ y");
        for (String d : sizes.parameters()) params.append(", long long ").append(d);
        params.append(extra);
        String where = c.span() == null ? "" : "  (" + CommentText.of(c.span().source().name()) + ":" + c.span().line() + ")";
        return """
                extern "C" __global__ void %s(%s) {
                  // %s %s%s: a thread per output element
                  const long long n = %s;
                  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
                %s  }
                }
                """.formatted(function, params, c.name(), c.op().label(), where, sizes.dim(c.outShape().numel()),
                body.replace("$OUT", out));
    }

    /** Statements that set {@code i<axis>} to the output element's index along each axis of {@code shape}, from {@code o}. */
    private static String unflatten(Shape shape, CudaSizes sizes) {
        StringBuilder s = new StringBuilder("    long long rest = o;\n");
        for (int a = shape.rank() - 1; a >= 0; a--) {
            String len = sizes.dim(shape.dim(a));
            s.append("    const long long i").append(a).append(" = rest % ").append(len).append("; rest /= ").append(len).append(";\n");
        }
        return s.toString();
    }

    /**
     * log(sum(exp(x))) over the reduced axes of the one input, shifted by their maximum (NaN if
     * any is NaN; an infinite maximum is the result). The output holds the kept axes in order
     * (keepdims only adds ones, which do not move an element).
     */
    private static String logsumexp(Kernel.Call c, List<Integer> axes, CudaSizes sizes) {
        Shape in = c.inputShapes().getFirst();
        String[] stride = strides(in, sizes);
        StringBuilder s = new StringBuilder("    long long rest = o, base = 0LL, count = 1LL;\n");
        // The offset of the r-th element folded: the reduced axes in row-major order, as Reference adds them.
        StringBuilder offset = new StringBuilder("long long rr = r, at = base;");
        for (int a = in.rank() - 1; a >= 0; a--) {
            String len = sizes.dim(in.dim(a));
            if (axes.contains(a)) {
                s.append("    count *= ").append(len).append(";\n");
                offset.append(" at += rr % ").append(len).append(" * ").append(stride[a]).append("; rr /= ").append(len).append(';');
            } else {
                s.append("    base += rest % ").append(len).append(" * ").append(stride[a]).append("; rest /= ").append(len).append(";\n");
            }
        }
        return s + """
                    double m = -MC_INF;
                    for (long long r = 0; r < count; r++) {
                      %1$s
                      m = mc_maximum(m, (double) x0[at]);
                    }
                    double sum = 0.0;
                    if (fabs(m) != MC_INF) {
                      for (long long r = 0; r < count; r++) {
                        %1$s
                        sum = sum + exp((double) x0[at] - m);
                      }
                    }
                    y[o] = ($OUT) (fabs(m) == MC_INF ? m : m + log(sum));
                """.formatted(offset);
    }

    /** The element of the one input placed here by the strided window, or zero between and around the placed ones. */
    private static String pad(Kernel.Call c, Op.Pad p, CudaSizes sizes) {
        Shape in = c.inputShapes().getFirst();
        String[] stride = strides(in, sizes);
        StringBuilder s = new StringBuilder(unflatten(c.outShape(), sizes));
        s.append("    long long from = 0;\n    bool placed = true;\n");
        for (int a = 0; a < in.rank(); a++) {
            long step = p.steps().get(a);
            String t = "(i" + a + " - " + sizes.dim(p.starts().get(a)) + ")";
            s.append("    if (").append(t).append(" < 0LL || ").append(t).append(" % ").append(step).append("LL != 0LL || ").append(t)
                    .append(" / ").append(step).append("LL >= ").append(sizes.dim(in.dim(a))).append(") placed = false;\n");
            s.append("    else from += ").append(t).append(" / ").append(step).append("LL * ").append(stride[a]).append(";\n");
        }
        return s + "    y[o] = placed ? ($OUT) x0[from] : ($OUT) 0;\n";
    }

    /** The element of the part that holds this position along the axis. */
    private static String concat(Kernel.Call c, int axis, CudaSizes sizes) {
        Shape out = c.outShape();
        Dim inner = Dim.of(1);
        for (int a = axis + 1; a < out.rank(); a++) inner = inner.times(out.dim(a));
        String innerC = sizes.dim(inner);
        StringBuilder s = new StringBuilder();
        s.append("    const long long inner = ").append(innerC).append(", along = (o / inner) % ").append(sizes.dim(out.dim(axis)))
                .append(", outer = o / inner / ").append(sizes.dim(out.dim(axis))).append(", in = o % inner;\n");
        Dim start = Dim.of(0);
        for (int i = 0; i < c.inputs().size(); i++) {
            Dim len = c.inputShapes().get(i).dim(axis);
            String st = sizes.dim(start), ln = sizes.dim(len);
            s.append(i == 0 ? "    if (" : "    else if (").append("along < ").append(sizes.dim(start.plus(len))).append(") y[o] = ($OUT) x")
                    .append(i).append("[(outer * ").append(ln).append(" + along - ").append(st).append(") * inner + in];\n");
            start = start.plus(len);
        }
        return s.toString();
    }

    /** A one (in the output's dtype) where the label names the class, zeros elsewhere. */
    private static String oneHot(long classes) {
        return """
                    const long long label = x0[o / %1$dLL];
                    if (label < 0LL || label >= %1$dLL) error[0] = 1;
                    y[o] = label == o %% %1$dLL ? ($OUT) 1 : ($OUT) 0;
                """.formatted(classes);
    }

    /** {@code t[ids]}: the element of the row the index names. */
    private static String indexSelect(Kernel.Call c, CudaSizes sizes) {
        Shape table = c.inputShapes().getFirst();
        Dim inner = Dim.of(1);
        for (int a = 1; a < table.rank(); a++) inner = inner.times(table.dim(a));
        return """
                    const long long inner = %s, rows = %s, row = x1[o / inner];
                    if (row < 0LL || row >= rows) { error[0] = 1; y[o] = ($OUT) 0; }
                    else y[o] = ($OUT) x0[row * inner + o %% inner];
                """.formatted(sizes.dim(inner), sizes.dim(table.dim(0)));
    }

    /** {@code torch.gather(x, axis, idx)}: the element of x at this position with the axis's index read from idx. */
    private static String gather(Kernel.Call c, int axis, CudaSizes sizes) {
        Shape x = c.inputShapes().getFirst();
        String[] stride = strides(x, sizes);
        StringBuilder s = new StringBuilder(unflatten(c.outShape(), sizes));
        s.append("    const long long at = x1[o];\n");
        s.append("    if (at < 0LL || at >= ").append(sizes.dim(x.dim(axis))).append(") { error[0] = 1; y[o] = ($OUT) 0; }\n");
        s.append("    else y[o] = ($OUT) x0[");
        for (int a = 0; a < x.rank(); a++) {
            if (a > 0) s.append(" + ");
            s.append(a == axis ? "at" : "i" + a).append(" * ").append(stride[a]);
        }
        return s.append("];\n").toString();
    }

    /** Row-major strides of {@code shape} as C expressions. */
    private static String[] strides(Shape shape, CudaSizes sizes) {
        String[] st = new String[shape.rank()];
        Dim s = Dim.of(1);
        for (int a = shape.rank() - 1; a >= 0; a--) {
            st[a] = sizes.dim(s);
            s = s.times(shape.dim(a));
        }
        return st;
    }

    /** Rows of a shape along {@code axis}: the sizes before it (outer), the axis (len), and after it (inner). */
    static List<Dim> rows(Shape shape, int axis) {
        Dim outer = Dim.of(1), inner = Dim.of(1);
        for (int i = 0; i < axis; i++) outer = outer.times(shape.dim(i));
        for (int i = axis + 1; i < shape.rank(); i++) inner = inner.times(shape.dim(i));
        return List.of(outer, shape.dim(axis), inner);
    }

    private static String rows(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes, int axis, String body) {
        List<Dim> r = rows(c.inputShapes().getFirst(), axis);
        StringBuilder params = new StringBuilder();
        params.append("const ").append(CudaProgram.cType(plan.buffer(c.inputs().getFirst()).dtype())).append("* __restrict__ x, ")
                .append(CudaProgram.cType(plan.buffer(c.out()).dtype())).append("* __restrict__ y");
        for (String d : sizes.parameters()) params.append(", long long ").append(d);
        String where = c.span() == null ? "" : "  (" + CommentText.of(c.span().source().name()) + ":" + c.span().line() + ")";
        return """
                extern "C" __global__ void %s(%s) {
                  // %s %s%s: a thread per row, in f64
                  const long long outer = %s, len = %s, inner = %s;
                  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < outer * inner; r += (long long) gridDim.x * blockDim.x) {
                    const long long base = (r / inner) * len * inner + r %% inner;
                %s  }
                }
                """.formatted(function, params, c.name(), c.op().label(), where, sizes.dim(r.get(0)), sizes.dim(r.get(1)),
                sizes.dim(r.get(2)), body);
    }

    private static String softmax(boolean log, DType out) {
        String value = log ? "v - m - log(sum)" : "exp(v - m) / sum";
        return """
                    double m = -MC_INF;
                    for (long long i = 0; i < len; i++) m = mc_maximum(m, (double) x[base + i * inner]);
                    double sum = 0.0;
                    for (long long i = 0; i < len; i++) sum = sum + exp((double) x[base + i * inner] - m);
                    for (long long i = 0; i < len; i++) {
                      const double v = (double) x[base + i * inner];
                      y[base + i * inner] = %s;
                    }
                """.formatted("(" + CudaProgram.cType(out) + ") (" + value + ")");
    }

    private static String argReduce(boolean max, DType out) {
        return """
                    long long best = 0;
                    for (long long i = 1; i < len; i++) {
                      const double v = (double) x[base + i * inner], b = (double) x[base + best * inner];
                      // The first best wins; NaN beats everything (NumPy, PyTorch).
                      if (!mc_isnan(b) && (mc_isnan(v) || v %s b)) best = i;
                    }
                    y[r] = %s;
                """.formatted(max ? ">" : "<", switch (out) {
            case F32 -> "(float) best";
            case F64 -> "(double) best";
            case I32 -> "(int) best";
            case BOOL -> "(unsigned char) (best != 0)";
        });
    }
}
