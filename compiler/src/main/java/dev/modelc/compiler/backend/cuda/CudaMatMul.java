package dev.modelc.compiler.backend.cuda;

import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.kernel.Kernel;

/**
 * A {@link Kernel.MatMul} as a CUDA C kernel: 16x16 output tiles, the operands staged through
 * shared memory a 16-wide slice of k at a time. Each output element is a sum over k in order
 * from zero, accumulated in the result's dtype (f32 in float, as BLAS, PyTorch and the
 * runtime's {@code Library.matmul} do), so with contraction off it gives the bits the JVM
 * backends give in f64; in f32 the JVM fuses each term's multiply-add and this kernel does not,
 * so the two agree within an f32 sum's rounding bound. No tensor cores: for f32 they would mean TF32 (10-bit mantissas), outside the
 * interpreter's tolerance, and f64 tensor-core tiles are not written yet.
 *
 * <p>A product with few outputs and a long k (a weight gradient {@code g.T @ x} over a big
 * batch: 6 outputs, k = 2^24) would get a handful of tiles, each looping over all of k on one
 * multiprocessor; it also has a split-k form, a reduction over k with the fold of
 * {@link CudaFold} (in f64, as the interpreter sums), which the runtime picks by
 * {@link LaunchGeometry#splitK}.
 */
final class CudaMatMul {
    /** The tile edge; blocks are TILE x TILE threads. */
    static final int TILE = LaunchGeometry.TILE;

    private CudaMatMul() {
    }

    static String render(String function, Kernel.MatMul m) {
        String t = CudaProgram.cType(m.dtype());
        // a is [n, k], stored [k, n] when transposed; b is [k, m], stored [m, k] when transposed.
        String aAt = m.transA() ? "A[pa * n + row]" : "A[row * k + pa]";
        String bAt = m.transB() ? "B[col * k + pb]" : "B[pb * m + col]";
        String where = m.span() == null ? "" : "  (" + CommentText.of(m.span().source().name()) + ":" + m.span().line() + ")";
        return """
                extern "C" __global__ void %1$s(const %2$s* __restrict__ a, const %2$s* __restrict__ b, %2$s* __restrict__ c, long long batch, long long n, long long k, long long m) {
                  // %3$s matmul %%%4$d = %%%5$d%6$s @ %%%7$d%8$s%9$s
                  __shared__ %2$s ta[%10$d][%10$d + 1];
                  __shared__ %2$s tb[%10$d][%10$d + 1];
                  const int tx = threadIdx.x, ty = threadIdx.y;
                  const long long tilesN = (n + %10$d - 1) / %10$d, tilesM = (m + %10$d - 1) / %10$d;
                  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
                    const %2$s* A = a + bt * n * k;
                    const %2$s* B = b + bt * k * m;
                    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
                      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
                        const long long row = tr * %10$d + ty, col = tc * %10$d + tx;
                        %2$s acc = 0;
                        for (long long p0 = 0; p0 < k; p0 += %10$d) {
                          const long long pa = p0 + tx, pb = p0 + ty;
                          ta[ty][tx] = row < n && pa < k ? %11$s : (%2$s) 0;
                          tb[ty][tx] = pb < k && col < m ? %12$s : (%2$s) 0;
                          __syncthreads();
                          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
                          const int width = k - p0 < %10$d ? (int) (k - p0) : %10$d;
                          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
                          __syncthreads();
                        }
                        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
                      }
                    }
                  }
                }
                """.formatted(function, t, m.name(), m.out(), m.a(), m.transA() ? "^T" : "", m.b(), m.transB() ? "^T" : "",
                where, TILE, aAt, bAt);
    }

    /** The split-k form: one output element per block row, k split over blocks and folded in f64. */
    static String renderSplitK(String function, Kernel.MatMul m) {
        String t = CudaProgram.cType(m.dtype());
        String aAt = m.transA() ? "A[p * n + row]" : "A[row * k + p]";
        String bAt = m.transB() ? "B[col * k + p]" : "B[p * m + col]";
        return """
                extern "C" __global__ void %1$s(const %2$s* __restrict__ a, const %2$s* __restrict__ b, %2$s* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
                  // %3$s as a reduction over k (split-k)
                %4$s  const long long outer = batch * n * m;
                  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
                    const long long col = o %% m, row = (o / m) %% n, bt = o / (n * m);
                    const %2$s* A = a + bt * n * k;
                    const %2$s* B = b + bt * k * m;
                    double acc = 0.0;
                    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
                      acc = acc + (double) %5$s * (double) %6$s;
                    }
                %7$s        c[o] = (%2$s) acc;
                %8$s}
                """.formatted(function, t, m.name(), CudaFold.declaration(), aAt, bAt,
                CudaFold.open(dev.modelc.compiler.graph.ReduceFn.SUM), CudaFold.CLOSE);
    }
}
