// ===== Broadcast.lossAndGradients =====
// modelc: Broadcast.lossAndGradients, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ b0, const double* __restrict__ b1, double* __restrict__ b3) {
  // k0 loop [4, 3]  (broadcast.model:6)
  const long long total = 12LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b0[3LL * i0 + i1];  // f64 %0
    const double v1 = b1[i1];  // f64 %1
    const double v2 = (v0 + v1);  // f64 %4
    b3[e] = v2;
  }
}

extern "C" __global__ void k1(const double* __restrict__ b2, double* __restrict__ b4) {
  // k1 loop [4, 3]  (broadcast.model:6)
  const long long total = 12LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b2[i0];  // f64 %2
    b4[e] = v0;
  }
}

extern "C" __global__ void k2(const double* __restrict__ b3, const double* __restrict__ b4, double* __restrict__ b5, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k2 loop [] reduce sum over [4, 3]  (broadcast.model:6)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 12LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b3[j];  // f64 %4
      const double v1 = b4[j];  // f64 %5
      const double v2 = (v0 * v1);  // f64 %6
      acc = acc + v2;
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
        const double v3 = acc;  // f64 %7
        b5[o] = v3;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k3(const double* __restrict__ b3, double* __restrict__ b6, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k3 loop [4] reduce sum over [3]  (broadcast.model:6)
  __shared__ double mc_fold[256];
  const long long outer = 4LL;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b3[3LL * i0 + j];  // f64 %4
      acc = acc + v0;
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
        const double v1 = acc;  // f64 %8
        b6[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k4(const double* __restrict__ b4, double* __restrict__ b7, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k4 loop [3] reduce sum over [4]  (broadcast.model:6)
  __shared__ double mc_fold[256];
  const long long outer = 3LL;
  const long long inner = 4LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v0 = b4[i0 + 3LL * j0];  // f64 %5
      acc = acc + v0;
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
        const double v1 = acc;  // f64 %9
        b7[o] = v1;
      }
    }
    __syncthreads();
  }
}
