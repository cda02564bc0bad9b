// ===== Classifier.forward =====
// modelc: Classifier.forward, generated from its kernel plan (modelc compile --emit kernels)
// modelc scalar functions: the meanings of dev.modelc.runtime.exec.Scalars, in f64.
#define MC_INF __longlong_as_double(0x7ff0000000000000LL)
#define MC_NAN __longlong_as_double(0x7ff8000000000000LL)
#define MC_INF_F __int_as_float(0x7f800000)
#define MC_NAN_F __int_as_float(0x7fc00000)
__device__ __forceinline__ bool mc_isnan(double x) { return x != x; }
__device__ __forceinline__ bool mc_negative_sign(double x) { return __double_as_longlong(x) < 0; }
// sigmoid: 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below, so neither form overflows into NaN.
__device__ __forceinline__ double mc_sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }
// relu keeps NaN, as PyTorch does.
__device__ __forceinline__ double mc_relu(double x) { return x > 0 || mc_isnan(x) ? x : 0.0; }
// softplus: max(x, 0) + log1p(e^-|x|), Java's Math.max (NaN in, NaN out).
__device__ __forceinline__ double mc_softplus(double x) { return (mc_isnan(x) ? x : x > 0 ? x : 0.0) + log1p(exp(-fabs(x))); }
// sign: Math.signum (NaN and both zeros stay themselves).
__device__ __forceinline__ double mc_sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
// pow: Math.pow, which differs from C's pow where the exponent is NaN, or infinite with |base| = 1.
__device__ __forceinline__ double mc_pow(double a, double b) {
  if (mc_isnan(b)) return b;
  if (fabs(a) == 1.0 && fabs(b) == MC_INF) return MC_NAN;
  return pow(a, b);
}
// maximum and minimum propagate NaN (PyTorch) and order -0 below +0 (Math.max, Math.min).
__device__ __forceinline__ double mc_maximum(double a, double b) {
  if (mc_isnan(a) || mc_isnan(b)) return MC_NAN;
  return a > b || (a == b && !mc_negative_sign(a)) ? a : b;
}
__device__ __forceinline__ double mc_minimum(double a, double b) {
  if (mc_isnan(a) || mc_isnan(b)) return MC_NAN;
  return a < b || (a == b && mc_negative_sign(a)) ? a : b;
}
// i32: toward zero, NaN to 0, then wrapped to 32 bits (the conversions saturate at 64 bits, as Java's do).
__device__ __forceinline__ double mc_to_i32(double x) { return mc_isnan(x) ? 0.0 : (double) (int) (long long) trunc(x); }
__device__ __forceinline__ double mc_wrap_i32(double x) { return (double) (int) (long long) x; }
__device__ __forceinline__ double mc_to_bool(double x) { return x != 0 ? 1.0 : 0.0; }
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
// modelc Philox 4x32-10 (runtime.Philox): c is the counter in, the block out; (k0, k1) the key.
__device__ __forceinline__ void mc_philox(unsigned int c[4], unsigned int k0, unsigned int k1) {
  for (int r = 0; r < 10; r++) {
    if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    const unsigned long long p0 = (unsigned long long) 0xD2511F53u * c[0];
    const unsigned long long p1 = (unsigned long long) 0xCD9E8D57u * c[2];
    const unsigned int n0 = (unsigned int) (p1 >> 32) ^ c[1] ^ k0;
    const unsigned int n2 = (unsigned int) (p0 >> 32) ^ c[3] ^ k1;
    c[1] = (unsigned int) p1;
    c[3] = (unsigned int) p0;
    c[0] = n0;
    c[2] = n2;
  }
}

extern "C" __global__ void k0(const float* __restrict__ b0, const float* __restrict__ b2, const float* __restrict__ b3, float* __restrict__ b6, long long d_N) {
  // k0 loop [N, 16]  (classification.model:8)
  const long long total = (16LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 16LL; rest_i /= 16LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %7
    const float v1 = b0[4LL * i0];  // f32 %0
    const double v2 = (double) v1;  // f64 %7
    const float v3 = b2[4LL * i1];  // f32 %2
    const double v4 = (double) v3;  // f64 %7
    const double v5 = (v2 * v4);  // f64 %7
    const double v6 = (v0 + v5);  // f64 %7
    const float v7 = b0[4LL * i0 + 1LL];  // f32 %0
    const double v8 = (double) v7;  // f64 %7
    const float v9 = b2[4LL * i1 + 1LL];  // f32 %2
    const double v10 = (double) v9;  // f64 %7
    const double v11 = (v8 * v10);  // f64 %7
    const double v12 = (v6 + v11);  // f64 %7
    const float v13 = b0[4LL * i0 + 2LL];  // f32 %0
    const double v14 = (double) v13;  // f64 %7
    const float v15 = b2[4LL * i1 + 2LL];  // f32 %2
    const double v16 = (double) v15;  // f64 %7
    const double v17 = (v14 * v16);  // f64 %7
    const double v18 = (v12 + v17);  // f64 %7
    const float v19 = b0[4LL * i0 + 3LL];  // f32 %0
    const double v20 = (double) v19;  // f64 %7
    const float v21 = b2[4LL * i1 + 3LL];  // f32 %2
    const double v22 = (double) v21;  // f64 %7
    const double v23 = (v20 * v22);  // f64 %7
    const double v24 = (v18 + v23);  // f64 %7
    const float v25 = (float) v24;  // f32 %7
    const float v26 = b3[i1];  // f32 %3
    const float v27 = v25 + v26;  // f32 %9
    const float v28 = (float) tanh((double) v27);  // f32 %10
    b6[e] = v28;
  }
}

extern "C" __global__ void k1_x8(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k1 matmul %7 = %6 @ %4^T  (<prelude>:9), 128x128 tiles
  mc_matmul<float, 8, false, true>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k1_x4(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k1 matmul %7 = %6 @ %4^T  (<prelude>:9), 64x64 tiles
  mc_matmul<float, 4, false, true>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k1(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k1 matmul %7 = %6 @ %4^T  (<prelude>:9), 16x16 tiles
  mc_matmul<float, 1, false, true>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k1_splitk(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k1 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const float* A = a + bt * n * k;
    const float* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[row * k + p] * (double) B[col * k + p];
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        c[o] = (float) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k1_splitk_few(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k1 as one pass over k for at most 8 results
  __shared__ double mc_fold[256];
  __shared__ bool mc_last;
  const int outs = (int) (batch * n * m);
  double acc[8];
  #pragma unroll
  for (int o = 0; o < 8; o++) acc[o] = 0.0;
  for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
    #pragma unroll
    for (int o = 0; o < 8; o++) {
      if (o < outs) {
        const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
        const float* A = a + bt * n * k;
        const float* B = b + bt * k * m;
        acc[o] = acc[o] + (double) A[row * k + p] * (double) B[col * k + p];
      }
    }
  }
  #pragma unroll
  for (int o = 0; o < 8; o++) {
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
      c[o] = (float) sum;
    }
    counters[0] = 0;
  }
}

extern "C" __global__ void k2(const float* __restrict__ b7, const float* __restrict__ b5, float* __restrict__ b8, long long d_N) {
  // k2 loop [N, 3]  (<prelude>:9)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const float v0 = b7[3LL * i0 + i1];  // f32 %12
    const float v1 = b5[i1];  // f32 %5
    const float v2 = v0 + v1;  // f32 %14
    b8[e] = v2;
  }
}

extern "C" __global__ void k3(const float* __restrict__ x, float* __restrict__ y, long long d_N) {
  // k3 softmax[axis=1]  (classification.model:16): a thread per row, in f64
  const long long outer = d_N, len = 3LL, inner = 1LL;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < outer * inner; r += (long long) gridDim.x * blockDim.x) {
    const long long base = (r / inner) * len * inner + r % inner;
    double m = -MC_INF;
    for (long long i = 0; i < len; i++) m = mc_maximum(m, (double) x[base + i * inner]);
    double sum = 0.0;
    for (long long i = 0; i < len; i++) sum = sum + exp((double) x[base + i * inner] - m);
    for (long long i = 0; i < len; i++) {
      const double v = (double) x[base + i * inner];
      y[base + i * inner] = (float) (exp(v - m) / sum);
    }
  }
}

extern "C" __global__ void k4(const float* __restrict__ x, int* __restrict__ y, long long d_N) {
  // k4 argmax[axis=1 keepdims=false]  (classification.model:17): a thread per row, in f64
  const long long outer = d_N, len = 3LL, inner = 1LL;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < outer * inner; r += (long long) gridDim.x * blockDim.x) {
    const long long base = (r / inner) * len * inner + r % inner;
    long long best = 0;
    for (long long i = 1; i < len; i++) {
      const double v = (double) x[base + i * inner], b = (double) x[base + best * inner];
      // The first best wins; NaN beats everything (NumPy, PyTorch).
      if (!mc_isnan(b) && (mc_isnan(v) || v > b)) best = i;
    }
    y[r] = (int) best;
  }
}

extern "C" __global__ void k5(const int* __restrict__ b10, const int* __restrict__ b1, float* __restrict__ b11, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k5 loop [] reduce mean over [N]  (classification.model:18)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = (double) b10[j];  // i32 %16
      const double v1 = (double) b1[j];  // i32 %1
      const double v2 = mc_to_bool((v0 == v1 ? 1.0 : 0.0));  // bool %17
      const float v3 = (float) v2;  // f32 %18
      acc = acc + (double) v3;
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        const float v4 = (float) (acc / (double) d_N);  // f32 %19
        b11[o] = v4;
      }
    }
    __syncthreads();
  }
}
// ===== Classifier.lossAndGradients =====
// modelc: Classifier.lossAndGradients, generated from its kernel plan (modelc compile --emit kernels)
// modelc scalar functions: the meanings of dev.modelc.runtime.exec.Scalars, in f64.
#define MC_INF __longlong_as_double(0x7ff0000000000000LL)
#define MC_NAN __longlong_as_double(0x7ff8000000000000LL)
#define MC_INF_F __int_as_float(0x7f800000)
#define MC_NAN_F __int_as_float(0x7fc00000)
__device__ __forceinline__ bool mc_isnan(double x) { return x != x; }
__device__ __forceinline__ bool mc_negative_sign(double x) { return __double_as_longlong(x) < 0; }
// sigmoid: 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below, so neither form overflows into NaN.
__device__ __forceinline__ double mc_sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }
// relu keeps NaN, as PyTorch does.
__device__ __forceinline__ double mc_relu(double x) { return x > 0 || mc_isnan(x) ? x : 0.0; }
// softplus: max(x, 0) + log1p(e^-|x|), Java's Math.max (NaN in, NaN out).
__device__ __forceinline__ double mc_softplus(double x) { return (mc_isnan(x) ? x : x > 0 ? x : 0.0) + log1p(exp(-fabs(x))); }
// sign: Math.signum (NaN and both zeros stay themselves).
__device__ __forceinline__ double mc_sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
// pow: Math.pow, which differs from C's pow where the exponent is NaN, or infinite with |base| = 1.
__device__ __forceinline__ double mc_pow(double a, double b) {
  if (mc_isnan(b)) return b;
  if (fabs(a) == 1.0 && fabs(b) == MC_INF) return MC_NAN;
  return pow(a, b);
}
// maximum and minimum propagate NaN (PyTorch) and order -0 below +0 (Math.max, Math.min).
__device__ __forceinline__ double mc_maximum(double a, double b) {
  if (mc_isnan(a) || mc_isnan(b)) return MC_NAN;
  return a > b || (a == b && !mc_negative_sign(a)) ? a : b;
}
__device__ __forceinline__ double mc_minimum(double a, double b) {
  if (mc_isnan(a) || mc_isnan(b)) return MC_NAN;
  return a < b || (a == b && mc_negative_sign(a)) ? a : b;
}
// i32: toward zero, NaN to 0, then wrapped to 32 bits (the conversions saturate at 64 bits, as Java's do).
__device__ __forceinline__ double mc_to_i32(double x) { return mc_isnan(x) ? 0.0 : (double) (int) (long long) trunc(x); }
__device__ __forceinline__ double mc_wrap_i32(double x) { return (double) (int) (long long) x; }
__device__ __forceinline__ double mc_to_bool(double x) { return x != 0 ? 1.0 : 0.0; }
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
// modelc Philox 4x32-10 (runtime.Philox): c is the counter in, the block out; (k0, k1) the key.
__device__ __forceinline__ void mc_philox(unsigned int c[4], unsigned int k0, unsigned int k1) {
  for (int r = 0; r < 10; r++) {
    if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    const unsigned long long p0 = (unsigned long long) 0xD2511F53u * c[0];
    const unsigned long long p1 = (unsigned long long) 0xCD9E8D57u * c[2];
    const unsigned int n0 = (unsigned int) (p1 >> 32) ^ c[1] ^ k0;
    const unsigned int n2 = (unsigned int) (p0 >> 32) ^ c[3] ^ k1;
    c[1] = (unsigned int) p1;
    c[3] = (unsigned int) p0;
    c[0] = n0;
    c[2] = n2;
  }
}

extern "C" __global__ void k0(const float* __restrict__ b0, const float* __restrict__ b2, const float* __restrict__ b3, float* __restrict__ b6, long long d_N) {
  // k0 loop [N, 16]  (classification.model:8)
  const long long total = (16LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 16LL; rest_i /= 16LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %7
    const float v1 = b0[4LL * i0];  // f32 %0
    const double v2 = (double) v1;  // f64 %7
    const float v3 = b2[4LL * i1];  // f32 %2
    const double v4 = (double) v3;  // f64 %7
    const double v5 = (v2 * v4);  // f64 %7
    const double v6 = (v0 + v5);  // f64 %7
    const float v7 = b0[4LL * i0 + 1LL];  // f32 %0
    const double v8 = (double) v7;  // f64 %7
    const float v9 = b2[4LL * i1 + 1LL];  // f32 %2
    const double v10 = (double) v9;  // f64 %7
    const double v11 = (v8 * v10);  // f64 %7
    const double v12 = (v6 + v11);  // f64 %7
    const float v13 = b0[4LL * i0 + 2LL];  // f32 %0
    const double v14 = (double) v13;  // f64 %7
    const float v15 = b2[4LL * i1 + 2LL];  // f32 %2
    const double v16 = (double) v15;  // f64 %7
    const double v17 = (v14 * v16);  // f64 %7
    const double v18 = (v12 + v17);  // f64 %7
    const float v19 = b0[4LL * i0 + 3LL];  // f32 %0
    const double v20 = (double) v19;  // f64 %7
    const float v21 = b2[4LL * i1 + 3LL];  // f32 %2
    const double v22 = (double) v21;  // f64 %7
    const double v23 = (v20 * v22);  // f64 %7
    const double v24 = (v18 + v23);  // f64 %7
    const float v25 = (float) v24;  // f32 %7
    const float v26 = b3[i1];  // f32 %3
    const float v27 = v25 + v26;  // f32 %9
    const float v28 = (float) tanh((double) v27);  // f32 %10
    b6[e] = v28;
  }
}

extern "C" __global__ void k1_x8(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k1 matmul %7 = %6 @ %4^T  (<prelude>:9), 128x128 tiles
  mc_matmul<float, 8, false, true>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k1_x4(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k1 matmul %7 = %6 @ %4^T  (<prelude>:9), 64x64 tiles
  mc_matmul<float, 4, false, true>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k1(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k1 matmul %7 = %6 @ %4^T  (<prelude>:9), 16x16 tiles
  mc_matmul<float, 1, false, true>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k1_splitk(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k1 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const float* A = a + bt * n * k;
    const float* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[row * k + p] * (double) B[col * k + p];
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        c[o] = (float) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k1_splitk_few(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k1 as one pass over k for at most 8 results
  __shared__ double mc_fold[256];
  __shared__ bool mc_last;
  const int outs = (int) (batch * n * m);
  double acc[8];
  #pragma unroll
  for (int o = 0; o < 8; o++) acc[o] = 0.0;
  for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
    #pragma unroll
    for (int o = 0; o < 8; o++) {
      if (o < outs) {
        const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
        const float* A = a + bt * n * k;
        const float* B = b + bt * k * m;
        acc[o] = acc[o] + (double) A[row * k + p] * (double) B[col * k + p];
      }
    }
  }
  #pragma unroll
  for (int o = 0; o < 8; o++) {
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
      c[o] = (float) sum;
    }
    counters[0] = 0;
  }
}

extern "C" __global__ void k2(const float* __restrict__ b7, const float* __restrict__ b5, float* __restrict__ b8, long long d_N) {
  // k2 loop [N, 3]  (<prelude>:9)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const float v0 = b7[3LL * i0 + i1];  // f32 %12
    const float v1 = b5[i1];  // f32 %5
    const float v2 = v0 + v1;  // f32 %14
    b8[e] = v2;
  }
}

extern "C" __global__ void k3(const float* __restrict__ x, float* __restrict__ y, long long d_N) {
  // k3 log_softmax[axis=1]  (<prelude>:28): a thread per row, in f64
  const long long outer = d_N, len = 3LL, inner = 1LL;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < outer * inner; r += (long long) gridDim.x * blockDim.x) {
    const long long base = (r / inner) * len * inner + r % inner;
    double m = -MC_INF;
    for (long long i = 0; i < len; i++) m = mc_maximum(m, (double) x[base + i * inner]);
    double sum = 0.0;
    for (long long i = 0; i < len; i++) sum = sum + exp((double) x[base + i * inner] - m);
    for (long long i = 0; i < len; i++) {
      const double v = (double) x[base + i * inner];
      y[base + i * inner] = (float) (v - m - log(sum));
    }
  }
}

extern "C" __global__ void k4(const int* __restrict__ x0, double* __restrict__ y, long long d_N, int* __restrict__ error) {
  // k4 one_hot[classes=3]  (<prelude>:28): a thread per output element
  const long long n = (3LL * d_N);
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    const long long label = x0[o / 3LL];
    if (label < 0LL || label >= 3LL) error[0] = 1;
    y[o] = label == o % 3LL ? (double) 1 : (double) 0;
  }
}

extern "C" __global__ void k5(const double* __restrict__ b10, float* __restrict__ b11, long long d_N) {
  // k5 loop [N, 3]  (<prelude>:28)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b10[e];  // f64 %16
    const float v1 = (float) v0;  // f32 %17
    b11[e] = v1;
  }
}

extern "C" __global__ void k6(const float* __restrict__ b9, const float* __restrict__ b11, float* __restrict__ b12, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k6 loop [N] reduce sum over [3]  (<prelude>:28)
  __shared__ double mc_fold[256];
  const long long outer = d_N;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const float v0 = b9[3LL * i0 + j];  // f32 %15
      const float v1 = b11[3LL * i0 + j];  // f32 %17
      const float v2 = v0 * v1;  // f32 %18
      acc = acc + (double) v2;
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        const float v3 = (float) acc;  // f32 %19
        b12[o] = v3;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k7(const float* __restrict__ b12, float* __restrict__ b13, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k7 loop [] reduce mean over [N]  (<prelude>:28)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const float v0 = b12[j];  // f32 %19
      acc = acc + (double) v0;
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        const float v1 = (float) (acc / (double) d_N);  // f32 %20
        const float v2 = -v1;  // f32 %21
        b13[o] = v2;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k8(const float* __restrict__ b11, float* __restrict__ b14, long long d_N) {
  // k8 loop [N, 3]  (<prelude>:28)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const float v0 = (-1.0f);  // f32 %22
    const float v1 = (float) d_N;  // f32 %23
    const float v2 = v0 / v1;  // f32 %24
    const float v3 = b11[e];  // f32 %17
    const float v4 = v2 * v3;  // f32 %28
    b14[e] = v4;
  }
}

extern "C" __global__ void k9(const float* __restrict__ b14, float* __restrict__ b15, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k9 loop [N] reduce sum over [3]  (<prelude>:28)
  __shared__ double mc_fold[256];
  const long long outer = d_N;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const float v0 = b14[3LL * i0 + j];  // f32 %28
      acc = acc + (double) v0;
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        const float v1 = (float) acc;  // f32 %29
        b15[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k10(const float* __restrict__ b14, const float* __restrict__ b9, const float* __restrict__ b15, float* __restrict__ b16, long long d_N) {
  // k10 loop [N, 3]  (<prelude>:28)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const float v0 = b14[3LL * i0 + i1];  // f32 %28
    const float v1 = b9[3LL * i0 + i1];  // f32 %15
    const float v2 = (float) exp((double) v1);  // f32 %31
    const float v3 = b15[i0];  // f32 %29
    const float v4 = v2 * v3;  // f32 %32
    const float v5 = v0 - v4;  // f32 %33
    b16[e] = v5;
  }
}

extern "C" __global__ void k11(const float* __restrict__ b16, float* __restrict__ b17, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k11 loop [3] reduce sum over [N]  (<prelude>:9)
  __shared__ double mc_fold[256];
  const long long outer = 3LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const float v0 = b16[i0 + 3LL * j0];  // f32 %33
      acc = acc + (double) v0;
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        const float v1 = (float) acc;  // f32 %34
        b17[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k12_x8(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k12 matmul %18 = %16^T @ %6  (<prelude>:9), 128x128 tiles
  mc_matmul<float, 8, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k12_x4(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k12 matmul %18 = %16^T @ %6  (<prelude>:9), 64x64 tiles
  mc_matmul<float, 4, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k12(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k12 matmul %18 = %16^T @ %6  (<prelude>:9), 16x16 tiles
  mc_matmul<float, 1, true, false>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k12_splitk(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k12 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const float* A = a + bt * n * k;
    const float* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[p * n + row] * (double) B[p * m + col];
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        c[o] = (float) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k12_splitk_few(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k12 as one pass over k for at most 8 results
  __shared__ double mc_fold[256];
  __shared__ bool mc_last;
  const int outs = (int) (batch * n * m);
  double acc[8];
  #pragma unroll
  for (int o = 0; o < 8; o++) acc[o] = 0.0;
  for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
    #pragma unroll
    for (int o = 0; o < 8; o++) {
      if (o < outs) {
        const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
        const float* A = a + bt * n * k;
        const float* B = b + bt * k * m;
        acc[o] = acc[o] + (double) A[p * n + row] * (double) B[p * m + col];
      }
    }
  }
  #pragma unroll
  for (int o = 0; o < 8; o++) {
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
      c[o] = (float) sum;
    }
    counters[0] = 0;
  }
}

extern "C" __global__ void k13(const float* __restrict__ b16, const float* __restrict__ b4, const float* __restrict__ b6, float* __restrict__ b19, long long d_N) {
  // k13 loop [N, 16]  (classification.model:8)
  const long long total = (16LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 16LL; rest_i /= 16LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %36
    const float v1 = b16[3LL * i0];  // f32 %33
    const double v2 = (double) v1;  // f64 %36
    const float v3 = b4[i1];  // f32 %4
    const double v4 = (double) v3;  // f64 %36
    const double v5 = (v2 * v4);  // f64 %36
    const double v6 = (v0 + v5);  // f64 %36
    const float v7 = b16[3LL * i0 + 1LL];  // f32 %33
    const double v8 = (double) v7;  // f64 %36
    const float v9 = b4[i1 + 16LL];  // f32 %4
    const double v10 = (double) v9;  // f64 %36
    const double v11 = (v8 * v10);  // f64 %36
    const double v12 = (v6 + v11);  // f64 %36
    const float v13 = b16[3LL * i0 + 2LL];  // f32 %33
    const double v14 = (double) v13;  // f64 %36
    const float v15 = b4[i1 + 32LL];  // f32 %4
    const double v16 = (double) v15;  // f64 %36
    const double v17 = (v14 * v16);  // f64 %36
    const double v18 = (v12 + v17);  // f64 %36
    const float v19 = (float) v18;  // f32 %36
    const float v20 = 1.0f;  // f32 %40
    const float v21 = b6[16LL * i0 + i1];  // f32 %10
    const float v22 = v21 * v21;  // f32 %39
    const float v23 = v20 - v22;  // f32 %41
    const float v24 = v19 * v23;  // f32 %42
    b19[e] = v24;
  }
}

extern "C" __global__ void k14(const float* __restrict__ b19, float* __restrict__ b20, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k14 loop [16] reduce sum over [N]  (<prelude>:9)
  __shared__ double mc_fold[256];
  const long long outer = 16LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const float v0 = b19[i0 + 16LL * j0];  // f32 %42
      acc = acc + (double) v0;
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        const float v1 = (float) acc;  // f32 %43
        b20[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k15_x8(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k15 matmul %21 = %19^T @ %0  (<prelude>:9), 128x128 tiles
  mc_matmul<float, 8, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k15_x4(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k15 matmul %21 = %19^T @ %0  (<prelude>:9), 64x64 tiles
  mc_matmul<float, 4, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k15(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k15 matmul %21 = %19^T @ %0  (<prelude>:9), 16x16 tiles
  mc_matmul<float, 1, true, false>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k15_splitk(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k15 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const float* A = a + bt * n * k;
    const float* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[p * n + row] * (double) B[p * m + col];
    }
    mc_fold[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) mc_fold[threadIdx.x] = mc_fold[threadIdx.x] + mc_fold[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      acc = mc_fold[0];
      bool last = true;
      if (gridDim.x > 1) {
        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
        partials[o * gridDim.x + blockIdx.x] = acc;
        __threadfence();
        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
        if (last) {
          __threadfence();
          acc = 0.0;
          for (unsigned int b = 0; b < gridDim.x; b++) acc = acc + ((volatile double*) partials)[o * gridDim.x + b];
          counters[o] = 0;
        }
      }
      if (last) {
        c[o] = (float) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k15_splitk_few(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k15 as one pass over k for at most 8 results
  __shared__ double mc_fold[256];
  __shared__ bool mc_last;
  const int outs = (int) (batch * n * m);
  double acc[8];
  #pragma unroll
  for (int o = 0; o < 8; o++) acc[o] = 0.0;
  for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
    #pragma unroll
    for (int o = 0; o < 8; o++) {
      if (o < outs) {
        const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
        const float* A = a + bt * n * k;
        const float* B = b + bt * k * m;
        acc[o] = acc[o] + (double) A[p * n + row] * (double) B[p * m + col];
      }
    }
  }
  #pragma unroll
  for (int o = 0; o < 8; o++) {
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
      c[o] = (float) sum;
    }
    counters[0] = 0;
  }
}
