package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.exec.MaxPool;

/**
 * A max pool or one of its derivatives' ops ({@link MaxPool}) as a CUDA C kernel, a thread per
 * element of the result. Each thread finds the windows' winners by the runtime's rule (a running
 * {@code v > best || v != v} over the offsets in row-major order, padding as -inf), compared in
 * the operand's dtype as the JVM compares. MAX and SELECT read one window each; a SCATTER thread
 * owns one input position and sums, in f64 and in row-major window order, the values of the
 * windows that contain it and chose it (the reference's order), rounded once: no atomics, so
 * overlapping windows add as on the JVM. A 1-D pool runs as a 2-D one of height 1.
 */
final class CudaMaxPool {
    private CudaMaxPool() {
    }

    static String render(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes, MaxPool pool) {
        Shape x = c.inputShapes().getFirst();
        Shape pooled = pool.kind() == MaxPool.Kind.SCATTER ? c.inputShapes().get(1) : c.outShape();
        int rank = x.rank(), spatial = pool.spatial();
        boolean one = spatial == 1;
        int last = one ? 0 : 1;
        StringBuilder planes = new StringBuilder("1LL");
        for (int a = 0; a < rank - spatial; a++) planes.append(" * ").append(sizes.dim(x.dim(a)));
        String type = CudaProgram.cType(plan.buffer(c.inputs().getFirst()).dtype());
        String res = CudaProgram.cType(plan.buffer(c.out()).dtype());
        StringBuilder params = new StringBuilder("const " + type + "* __restrict__ a, ");
        if (pool.arity() == 2) params.append("const ").append(type).append("* __restrict__ b, ");
        params.append(res).append("* __restrict__ y");
        for (String d : sizes.parameters()) params.append(", long long ").append(d);
        String where = c.span() == null ? "" : "  (" + CommentText.of(c.span().source().name()) + ":" + c.span().line() + ")";
        String geometry = """
                  const long long P = %s, H = %s, W = %s, OH = %s, OW = %s;
                  const long long KH = %d, KW = %d, SH = %d, SW = %d, PH = %d, PW = %d;
                """.formatted(planes, one ? "1LL" : sizes.dim(x.dim(rank - 2)), sizes.dim(x.dim(rank - 1)),
                one ? "1LL" : sizes.dim(pooled.dim(rank - 2)), sizes.dim(pooled.dim(rank - 1)),
                one ? 1 : pool.kernel().get(0), pool.kernel().get(last), one ? 1 : pool.stride().get(0), pool.stride().get(last),
                one ? 0 : pool.padding().get(0), pool.padding().get(last));
        String body = switch (pool.kind()) {
            case MAX -> window("y[r] = at < 0 ? ($T) -MC_INF : a[at];");
            case SELECT -> window("y[r] = at < 0 ? ($T) 0 : b[at];");
            case SCATTER -> scatter();
        };
        return """
                extern "C" __global__ void %s(%s) {
                  // %s %s%s: a thread per result element
                %s%s}
                """.formatted(function, params, c.name(), c.op().label(), where, geometry, body.replace("$T", type));
    }

    /** Sets {@code at} to the winner of window (I, J) of the plane at {@code base}: its position in a, or -1 for padding. */
    private static final String WINNER = """
                long long at = -1;
                $T best = 0;
                bool first = true;
                for (long long ki = 0; ki < KH; ki++) {
                  const long long hh = I * SH - PH + ki;
                  for (long long kj = 0; kj < KW; kj++) {
                    const long long ww = J * SW - PW + kj;
                    const bool inside = hh >= 0 && hh < H && ww >= 0 && ww < W;
                    const $T v = inside ? a[base + hh * W + ww] : ($T) -MC_INF;
                    if (first || v > best || v != v) {
                      best = v;
                      at = inside ? base + hh * W + ww : -1;
                      first = false;
                    }
                  }
                }
            """;

    private static final String LOOP = """
              for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < TOTAL; r += (long long) gridDim.x * blockDim.x) {
            """;

    private static String window(String store) {
        return LOOP.replace("TOTAL", "P * OH * OW") + """
                    const long long j = r % OW, i = (r / OW) % OH, p = r / (OW * OH), base = p * H * W;
                """ + WINNER.replace("I *", "i *").replace("J *", "j *") + "    " + store + "\n  }\n";
    }

    private static String scatter() {
        return LOOP.replace("TOTAL", "P * H * W") + """
                    const long long w = r % W, h = (r / W) % H, p = r / (W * H), base = p * H * W;
                    // The windows that hold (h, w): i * SH - PH <= h <= i * SH - PH + KH - 1, the same along w.
                    const long long i0 = h + PH - KH + 1 <= 0 ? 0 : (h + PH - KH + SH) / SH, i1 = (h + PH) / SH < OH ? (h + PH) / SH : OH - 1;
                    const long long j0 = w + PW - KW + 1 <= 0 ? 0 : (w + PW - KW + SW) / SW, j1 = (w + PW) / SW < OW ? (w + PW) / SW : OW - 1;
                    double s = 0.0;
                    for (long long i = i0; i <= i1; i++) {
                      for (long long j = j0; j <= j1; j++) {
                """ + WINNER.replace("I *", "i *").replace("J *", "j *").indent(4) + """
                        if (at == r) s = s + (double) b[(p * OH + i) * OW + j];
                      }
                    }
                    y[r] = ($T) s;
                  }
                """;
    }
}
