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
 * The library calls that run on the GPU, one thread per row along the call's axis, in f64 as the
 * runtime's {@code Reference} computes them and rounded once to the result's dtype: softmax and
 * log_softmax (shifted by the row's maximum), argmax and argmin along an axis (the first best;
 * NaN beats everything, as in NumPy); convolutions and their adjoints, a thread per result
 * element ({@link CudaConv}). The others (logsumexp, pad, concat, one-hot with its
 * label check, random initializers, argmax of a flattened tensor, row selection and gather and
 * their scatter-adds with their index checks) stay on the host.
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
            case Op.Conv cv -> Optional.of(CudaConv.render(function, c, plan, sizes, cv.conv()));
            default -> Optional.empty();
        };
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
