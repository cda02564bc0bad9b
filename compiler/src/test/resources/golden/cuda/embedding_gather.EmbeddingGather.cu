// ===== EmbeddingGather.lossAndGradients =====
// modelc: EmbeddingGather.lossAndGradients, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ x0, const int* __restrict__ x1, double* __restrict__ y, int* __restrict__ error) {
  // k0 index_select  (embedding_gather.model:8): a thread per output element
  const long long n = 24LL;
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    const long long inner = 2LL, rows = 5LL, row = x1[o / inner];
    if (row < 0LL || row >= rows) { error[0] = 1; y[o] = (double) 0; }
    else y[o] = (double) x0[row * inner + o % inner];
  }
}

extern "C" __global__ void k1(const double* __restrict__ b4, double* __restrict__ b5) {
  // k1 loop [4, 3, 2]  (embedding_gather.model:8)
  const long long total = 24LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b4[e];  // f64 %4
    const double v1 = tanh(v0);  // f64 %5
    b5[e] = v1;
  }
}

extern "C" __global__ void k2(const double* __restrict__ b5, double* __restrict__ b6, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k2 loop [] reduce sum over [4, 3, 2]  (embedding_gather.model:8)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 24LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b5[j];  // f64 %5
      const double v1 = (v0 * v0);  // f64 %6
      acc = acc + v1;
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
        const double v2 = acc;  // f64 %7
        b6[o] = v2;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k3(const double* __restrict__ b4, const double* __restrict__ b1, double* __restrict__ b7) {
  // k3 loop [4, 3, 3]  (embedding_gather.model:8)
  const long long total = 36LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i2 = rest_i % 3LL; rest_i /= 3LL;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %9
    const double v1 = b4[6LL * i0 + 2LL * i1];  // f64 %4
    const double v2 = b1[i2];  // f64 %1
    const double v3 = (v1 * v2);  // f64 %9
    const double v4 = (v0 + v3);  // f64 %9
    const double v5 = b4[6LL * i0 + 2LL * i1 + 1LL];  // f64 %4
    const double v6 = b1[i2 + 3LL];  // f64 %1
    const double v7 = (v5 * v6);  // f64 %9
    const double v8 = (v4 + v7);  // f64 %9
    b7[e] = v8;
  }
}

extern "C" __global__ void k4(const double* __restrict__ x0, const int* __restrict__ x1, double* __restrict__ y, int* __restrict__ error) {
  // k4 gather[axis=2]  (embedding_gather.model:8): a thread per output element
  const long long n = 12LL;
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    long long rest = o;
    const long long i2 = rest % 1LL; rest /= 1LL;
    const long long i1 = rest % 3LL; rest /= 3LL;
    const long long i0 = rest % 4LL; rest /= 4LL;
    const long long at = x1[o];
    if (at < 0LL || at >= 3LL) { error[0] = 1; y[o] = (double) 0; }
    else y[o] = (double) x0[i0 * 9LL + i1 * 3LL + at * 1LL];
  }
}

extern "C" __global__ void k5(const double* __restrict__ b8, const double* __restrict__ b6, double* __restrict__ b9, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k5 loop [] reduce sum over [4, 3, 1]  (embedding_gather.model:8)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 12LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v1 = b8[j];  // f64 %10
      const double v2 = (v1 * v1);  // f64 %11
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
        const double v0 = b6[0LL];  // f64 %7
        const double v3 = acc;  // f64 %12
        const double v4 = (v0 + v3);  // f64 %13
        b9[o] = v4;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k6(const double* __restrict__ b8, double* __restrict__ b10) {
  // k6 loop [4, 3, 1]  (embedding_gather.model:8)
  const long long total = 12LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 2.0;  // f64 %14
    const double v1 = b8[e];  // f64 %10
    const double v2 = (v0 * v1);  // f64 %15
    b10[e] = v2;
  }
}

// k7: scatter_add[axis=2] runs on the host

extern "C" __global__ void k8(const double* __restrict__ b4, const double* __restrict__ b11, double* __restrict__ b12, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k8 loop [2, 3] reduce sum over [4]  (embedding_gather.model:8)
  __shared__ double mc_fold[256];
  const long long outer = 6LL;
  const long long inner = 4LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    long long rest_i = o;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v0 = 0.0;  // f64 %20
      const double v1 = b4[i0 + 6LL * j0];  // f64 %4
      const double v2 = b11[i1 + 9LL * j0];  // f64 %16
      const double v3 = (v1 * v2);  // f64 %20
      const double v4 = (v0 + v3);  // f64 %20
      const double v5 = b4[i0 + 6LL * j0 + 2LL];  // f64 %4
      const double v6 = b11[i1 + 9LL * j0 + 3LL];  // f64 %16
      const double v7 = (v5 * v6);  // f64 %20
      const double v8 = (v4 + v7);  // f64 %20
      const double v9 = b4[i0 + 6LL * j0 + 4LL];  // f64 %4
      const double v10 = b11[i1 + 9LL * j0 + 6LL];  // f64 %16
      const double v11 = (v9 * v10);  // f64 %20
      const double v12 = (v8 + v11);  // f64 %20
      acc = acc + v12;
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
        const double v13 = acc;  // f64 %21
        b12[o] = v13;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k9(const double* __restrict__ b11, const double* __restrict__ b1, const double* __restrict__ b5, double* __restrict__ b13) {
  // k9 loop [4, 3, 2]  (embedding_gather.model:8)
  const long long total = 24LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i2 = rest_i % 2LL; rest_i /= 2LL;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %18
    const double v1 = b11[9LL * i0 + 3LL * i1];  // f64 %16
    const double v2 = b1[3LL * i2];  // f64 %1
    const double v3 = (v1 * v2);  // f64 %18
    const double v4 = (v0 + v3);  // f64 %18
    const double v5 = b11[9LL * i0 + 3LL * i1 + 1LL];  // f64 %16
    const double v6 = b1[3LL * i2 + 1LL];  // f64 %1
    const double v7 = (v5 * v6);  // f64 %18
    const double v8 = (v4 + v7);  // f64 %18
    const double v9 = b11[9LL * i0 + 3LL * i1 + 2LL];  // f64 %16
    const double v10 = b1[3LL * i2 + 2LL];  // f64 %1
    const double v11 = (v9 * v10);  // f64 %18
    const double v12 = (v8 + v11);  // f64 %18
    const double v13 = 2.0;  // f64 %24
    const double v14 = b5[6LL * i0 + 2LL * i1 + i2];  // f64 %5
    const double v15 = (v13 * v14);  // f64 %25
    const double v16 = 1.0;  // f64 %23
    const double v17 = (v14 * v14);  // f64 %26
    const double v18 = (v16 - v17);  // f64 %27
    const double v19 = (v15 * v18);  // f64 %28
    const double v20 = (v12 + v19);  // f64 %29
    b13[e] = v20;
  }
}

// k10: index_add runs on the host
