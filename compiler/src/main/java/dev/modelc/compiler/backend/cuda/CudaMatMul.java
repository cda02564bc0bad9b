package dev.modelc.compiler.backend.cuda;

import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.kernel.Kernel;

/**
 * A {@link Kernel.MatMul} as CUDA C kernels: blocks of 16x16 threads, each computing a square
 * tile of the result whose edge is 16 times the micro-tile (1, 4 or 8 outputs a thread per axis,
 * {@link LaunchGeometry#MICRO_TILES}; the runtime picks the largest whose tiles still give every
 * multiprocessor a block), the operands staged through shared memory 16 values of k at a time.
 * Every variant computes each output element the same way, a sum over k in order from zero, one
 * term at a time, so which one runs (it depends on the GPU's size) never changes a bit: f64 terms
 * round twice (contraction is off), as the interpreter computes them; f32 terms are fused
 * multiply-adds ({@code fmaf}), as the JVM backends' f32 products are ({@code Library.matmul}), so
 * f32 agrees with them wherever they sum k in order too. No tensor cores: for f32 they would mean
 * TF32 (10-bit mantissas), outside the interpreter's tolerance, and f64 tensor-core tiles are not
 * written yet.
 *
 * <p>A product with few outputs and a long k (a weight gradient {@code g.T @ x} over a big
 * batch: 6 outputs, k = 2^24) would get a handful of tiles, each looping over all of k on one
 * multiprocessor; it also has a split-k form, a reduction over k with the fold of
 * {@link CudaFold} (in f64, as the interpreter sums), which the runtime picks by
 * {@link LaunchGeometry#splitK}.
 */
final class CudaMatMul {
    /** The thread block's edge; blocks are TILE x TILE threads. */
    static final int TILE = LaunchGeometry.TILE;

    /**
     * The tiled product every matmul kernel instantiates, in every program's prelude. Thread
     * (tx, ty) owns rows {@code ty + 16 i} and columns {@code tx + 16 j} of its tile, so neighbouring
     * threads read neighbouring shared columns (no bank conflicts) and write neighbouring outputs
     * (coalesced); each operand slice is loaded with neighbouring threads on neighbouring
     * addresses for either storage order, and the shared rows are padded by one so that those
     * stores do not conflict either. Only the slice's real terms are added: a padding {@code 0 * 0}
     * would turn an accumulated -0 into +0.
     */
    static final String TILED = """
            // modelc matmul tiles (CudaMatMul): c[bt] = a[bt] @ b[bt], a is [n, k] (stored [k, n] when TA), b is [k, m] (stored [m, k] when TB).
            template <typename T> __device__ __forceinline__ T mc_term(T acc, T x, T y);
            template <> __device__ __forceinline__ float mc_term<float>(float acc, float x, float y) { return fmaf(x, y, acc); }
            template <> __device__ __forceinline__ double mc_term<double>(double acc, double x, double y) { return acc + x * y; }
            template <typename T, int TM, bool TA, bool TB>
            __device__ __forceinline__ void mc_matmul(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ c,
                                                      long long batch, long long n, long long k, long long m) {
              const int E = 16 * TM, K = 16;
              __shared__ T ta[K][16 * TM + 1];
              __shared__ T tb[K][16 * TM + 1];
              const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
              const long long tilesN = (n + E - 1) / E, tilesM = (m + E - 1) / E;
              for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
                const T* A = a + bt * n * k;
                const T* B = b + bt * k * m;
                for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
                  for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
                    T acc[TM][TM];
                    for (int i = 0; i < TM; i++)
                      for (int j = 0; j < TM; j++) acc[i][j] = (T) 0;
                    for (long long p0 = 0; p0 < k; p0 += K) {
                      for (int e = tid; e < E * K; e += 256) {
                        const int r = TA ? e % E : e / K, q = TA ? e / E : e % K;
                        const long long row = tr * E + r, p = p0 + q;
                        ta[q][r] = row < n && p < k ? (TA ? A[p * n + row] : A[row * k + p]) : (T) 0;
                      }
                      for (int e = tid; e < E * K; e += 256) {
                        const int cc = TB ? e / K : e % E, q = TB ? e % K : e / E;
                        const long long col = tc * E + cc, p = p0 + q;
                        tb[q][cc] = p < k && col < m ? (TB ? B[col * k + p] : B[p * m + col]) : (T) 0;
                      }
                      __syncthreads();
                      const int width = k - p0 < K ? (int) (k - p0) : K;
                      for (int q = 0; q < width; q++) {
                        T x[TM], y[TM];
                        #pragma unroll
                        for (int i = 0; i < TM; i++) x[i] = ta[q][ty + 16 * i];
                        #pragma unroll
                        for (int j = 0; j < TM; j++) y[j] = tb[q][tx + 16 * j];
                        #pragma unroll
                        for (int i = 0; i < TM; i++)
                          #pragma unroll
                          for (int j = 0; j < TM; j++) acc[i][j] = mc_term<T>(acc[i][j], x[i], y[j]);
                      }
                      __syncthreads();
                    }
                    for (int i = 0; i < TM; i++) {
                      const long long row = tr * E + ty + 16 * i;
                      for (int j = 0; j < TM; j++) {
                        const long long col = tc * E + tx + 16 * j;
                        if (row < n && col < m) c[bt * n * m + row * m + col] = acc[i][j];
                      }
                    }
                  }
                }
              }
            }
            """;

    private CudaMatMul() {
    }

    /** A kernel per micro-tile ({@link LaunchGeometry#matmulFunction}), each an instance of {@link #TILED}. */
    static String render(String function, Kernel.MatMul m) {
        String t = CudaProgram.cType(m.dtype());
        String where = m.span() == null ? "" : "  (" + CommentText.of(m.span().source().name()) + ":" + m.span().line() + ")";
        StringBuilder s = new StringBuilder();
        for (int micro : LaunchGeometry.MICRO_TILES) {
            s.append("""
                    extern "C" __global__ void %1$s(const %2$s* __restrict__ a, const %2$s* __restrict__ b, %2$s* __restrict__ c, long long batch, long long n, long long k, long long m) {
                      // %3$s matmul %%%4$d = %%%5$d%6$s @ %%%7$d%8$s%9$s, %10$dx%10$d tiles
                      mc_matmul<%2$s, %11$d, %12$s, %13$s>(a, b, c, batch, n, k, m);
                    }
                    """.formatted(LaunchGeometry.matmulFunction(function, micro), t, m.name(), m.out(), m.a(), m.transA() ? "^T" : "",
                    m.b(), m.transB() ? "^T" : "", where, TILE * micro, micro, m.transA(), m.transB()));
        }
        return s.toString();
    }

    /**
     * The one-pass split-k form for at most {@link LaunchGeometry#FEW_OUTPUTS} results: every
     * thread strides over k keeping one f64 accumulator per result (in registers: the loops over
     * results are unrolled to the constant bound), so each row of a and b is read once rather than
     * once per result; then, per result, the block's fold in shared memory, each block's part
     * published, and the block that takes the last ticket adds every result's parts in block
     * order (one counter for the launch).
     */
    static String renderFewOutputs(String function, Kernel.MatMul m) {
        String t = CudaProgram.cType(m.dtype());
        String aAt = m.transA() ? "A[p * n + row]" : "A[row * k + p]";
        String bAt = m.transB() ? "B[col * k + p]" : "B[p * m + col]";
        return """
                extern "C" __global__ void %1$s(const %2$s* __restrict__ a, const %2$s* __restrict__ b, %2$s* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
                  // %3$s as one pass over k for at most %4$d results
                  __shared__ double mc_fold[%5$d];
                  __shared__ bool mc_last;
                  const int outs = (int) (batch * n * m);
                  double acc[%4$d];
                  #pragma unroll
                  for (int o = 0; o < %4$d; o++) acc[o] = 0.0;
                  for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
                    #pragma unroll
                    for (int o = 0; o < %4$d; o++) {
                      if (o < outs) {
                        const long long col = o %% m, row = (o / m) %% n, bt = o / (n * m);
                        const %2$s* A = a + bt * n * k;
                        const %2$s* B = b + bt * k * m;
                        acc[o] = acc[o] + (double) %6$s * (double) %7$s;
                      }
                    }
                  }
                  #pragma unroll
                  for (int o = 0; o < %4$d; o++) {
                    if (o < outs) {
                      mc_fold[threadIdx.x] = acc[o];
                      __syncthreads();
                      for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
                        if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
                        __syncthreads();
                      }
                      if (threadIdx.x == 0) partials[o * gridDim.x + blockIdx.x] = mc_fold[0];
                      __syncthreads();
                    }
                  }
                  if (threadIdx.x == 0) {
                    __threadfence();
                    mc_last = atomicAdd(&counters[0], 1u) == gridDim.x - 1;
                  }
                  __syncthreads();
                  if (mc_last && threadIdx.x == 0) {
                    __threadfence();
                    for (int o = 0; o < outs; o++) {
                      double sum = 0.0;
                      for (unsigned int q = 0; q < gridDim.x; q++) sum = sum + ((volatile double*) partials)[o * gridDim.x + q];
                      c[o] = (%2$s) sum;
                    }
                    counters[0] = 0;
                  }
                }
                """.formatted(function, t, m.name(), LaunchGeometry.FEW_OUTPUTS, CudaLoop.MAX_REDUCTION_BLOCK, aAt, bAt);
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
