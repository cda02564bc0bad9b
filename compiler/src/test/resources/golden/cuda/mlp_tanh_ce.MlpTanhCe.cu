// ===== MlpTanhCe.forward =====
// modelc: MlpTanhCe.forward, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k0 matmul %5 = %0 @ %1  (mlp_tanh_ce.model:9)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[row * k + pa] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[pb * m + col] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k0_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k0 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[row * k + p] * (double) B[p * m + col];
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k1(const double* __restrict__ b5, const double* __restrict__ b2, double* __restrict__ b6, long long d_N) {
  // k1 loop [N, 8]  (mlp_tanh_ce.model:9)
  const long long total = (8LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 8LL; rest_i /= 8LL;
    const long long i0 = rest_i;
    const double v0 = b5[8LL * i0 + i1];  // f64 %5
    const double v1 = b2[i1];  // f64 %2
    const double v2 = (v0 + v1);  // f64 %7
    const double v3 = tanh(v2);  // f64 %8
    b6[e] = v3;
  }
}

extern "C" __global__ void k2(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k2 matmul %7 = %6 @ %3  (mlp_tanh_ce.model:10)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[row * k + pa] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[pb * m + col] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k2_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k2 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[row * k + p] * (double) B[p * m + col];
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k3(const double* __restrict__ b7, const double* __restrict__ b4, double* __restrict__ b8, long long d_N) {
  // k3 loop [N, 3]  (mlp_tanh_ce.model:10)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b7[3LL * i0 + i1];  // f64 %9
    const double v1 = b4[i1];  // f64 %4
    const double v2 = (v0 + v1);  // f64 %11
    b8[e] = v2;
  }
}
// ===== MlpTanhCe.lossAndGradients =====
// modelc: MlpTanhCe.lossAndGradients, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k0 matmul %6 = %0 @ %2  (mlp_tanh_ce.model:9)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[row * k + pa] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[pb * m + col] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k0_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k0 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[row * k + p] * (double) B[p * m + col];
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k1(const double* __restrict__ b6, const double* __restrict__ b3, double* __restrict__ b7, long long d_N) {
  // k1 loop [N, 8]  (mlp_tanh_ce.model:9)
  const long long total = (8LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 8LL; rest_i /= 8LL;
    const long long i0 = rest_i;
    const double v0 = b6[8LL * i0 + i1];  // f64 %6
    const double v1 = b3[i1];  // f64 %3
    const double v2 = (v0 + v1);  // f64 %8
    const double v3 = tanh(v2);  // f64 %9
    b7[e] = v3;
  }
}

extern "C" __global__ void k2(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k2 matmul %8 = %7 @ %4  (mlp_tanh_ce.model:10)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[row * k + pa] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[pb * m + col] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k2_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k2 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    double acc = 0.0;
    for (long long p = (long long) blockIdx.x * blockDim.x + threadIdx.x; p < k; p += (long long) gridDim.x * blockDim.x) {
      acc = acc + (double) A[row * k + p] * (double) B[p * m + col];
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k3(const double* __restrict__ b8, const double* __restrict__ b5, double* __restrict__ b9, long long d_N) {
  // k3 loop [N, 3]  (mlp_tanh_ce.model:10)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b8[3LL * i0 + i1];  // f64 %10
    const double v1 = b5[i1];  // f64 %5
    const double v2 = (v0 + v1);  // f64 %12
    b9[e] = v2;
  }
}

extern "C" __global__ void k4(const double* __restrict__ x, double* __restrict__ y, long long d_N) {
  // k4 log_softmax[axis=1]  (<prelude>:32): a thread per row, in f64
  const long long outer = d_N, len = 3LL, inner = 1LL;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < outer * inner; r += (long long) gridDim.x * blockDim.x) {
    const long long base = (r / inner) * len * inner + r % inner;
    double m = -MC_INF;
    for (long long i = 0; i < len; i++) m = mc_maximum(m, (double) x[base + i * inner]);
    double sum = 0.0;
    for (long long i = 0; i < len; i++) sum = sum + exp((double) x[base + i * inner] - m);
    for (long long i = 0; i < len; i++) {
      const double v = (double) x[base + i * inner];
      y[base + i * inner] = (double) (v - m - log(sum));
    }
  }
}

extern "C" __global__ void k5(const double* __restrict__ b1, const double* __restrict__ b10, double* __restrict__ b11, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k5 loop [N] reduce sum over [3]  (<prelude>:32)
  __shared__ double mc_fold[256];
  const long long outer = d_N;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b1[3LL * i0 + j];  // f64 %1
      const double v1 = b10[3LL * i0 + j];  // f64 %13
      const double v2 = (v0 * v1);  // f64 %14
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
        const double v3 = acc;  // f64 %15
        b11[o] = v3;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k6(const double* __restrict__ b11, double* __restrict__ b12, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k6 loop [] reduce mean over [N]  (<prelude>:32)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b11[j];  // f64 %15
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
        const double v1 = (acc / (double) d_N);  // f64 %16
        b12[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k7(const double* __restrict__ b12, double* __restrict__ b13, long long d_N) {
  // k7 loop []  (<prelude>:32)
  const long long total = 1LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b12[0LL];  // f64 %16
    const double v1 = (-v0);  // f64 %17
    b13[e] = v1;
  }
}

extern "C" __global__ void k8(double* __restrict__ b14, long long d_N) {
  // k8 loop [N]  (<prelude>:32)
  const long long total = d_N;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = (-1.0);  // f64 %18
    const double v1 = (double) d_N;  // f64 %19
    const double v2 = (v0 / v1);  // f64 %20
    b14[e] = v2;
  }
}

extern "C" __global__ void k9(const double* __restrict__ b14, const double* __restrict__ b1, double* __restrict__ b15, long long d_N) {
  // k9 loop [N, 3]  (<prelude>:32)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b14[i0];  // f64 %22
    const double v1 = b1[3LL * i0 + i1];  // f64 %1
    const double v2 = (v0 * v1);  // f64 %24
    b15[e] = v2;
  }
}

extern "C" __global__ void k10(const double* __restrict__ b15, double* __restrict__ b16, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k10 loop [N] reduce sum over [3]  (<prelude>:32)
  __shared__ double mc_fold[256];
  const long long outer = d_N;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b15[3LL * i0 + j];  // f64 %24
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
        const double v1 = acc;  // f64 %25
        b16[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k11(const double* __restrict__ b15, const double* __restrict__ b10, const double* __restrict__ b16, double* __restrict__ b17, long long d_N) {
  // k11 loop [N, 3]  (<prelude>:32)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b15[3LL * i0 + i1];  // f64 %24
    const double v1 = b10[3LL * i0 + i1];  // f64 %13
    const double v2 = exp(v1);  // f64 %27
    const double v3 = b16[i0];  // f64 %25
    const double v4 = (v2 * v3);  // f64 %28
    const double v5 = (v0 - v4);  // f64 %29
    b17[e] = v5;
  }
}

extern "C" __global__ void k12(const double* __restrict__ b17, double* __restrict__ b18, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k12 loop [3] reduce sum over [N]  (mlp_tanh_ce.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 3LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v0 = b17[i0 + 3LL * j0];  // f64 %29
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
        const double v1 = acc;  // f64 %30
        b18[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k13(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k13 matmul %19 = %17 @ %4^T  (mlp_tanh_ce.model:10)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[row * k + pa] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[col * k + pb] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k13_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k13 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k14(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k14 matmul %20 = %7^T @ %17  (mlp_tanh_ce.model:10)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[pa * n + row] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[pb * m + col] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k14_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k14 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k15(const double* __restrict__ b19, const double* __restrict__ b7, double* __restrict__ b21, long long d_N) {
  // k15 loop [N, 8]  (mlp_tanh_ce.model:9)
  const long long total = (8LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b19[e];  // f64 %33
    const double v1 = 1.0;  // f64 %37
    const double v2 = b7[e];  // f64 %9
    const double v3 = (v2 * v2);  // f64 %36
    const double v4 = (v1 - v3);  // f64 %38
    const double v5 = (v0 * v4);  // f64 %39
    b21[e] = v5;
  }
}

extern "C" __global__ void k16(const double* __restrict__ b21, double* __restrict__ b22, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k16 loop [8] reduce sum over [N]  (mlp_tanh_ce.model:9)
  __shared__ double mc_fold[256];
  const long long outer = 8LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v0 = b21[i0 + 8LL * j0];  // f64 %39
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
        const double v1 = acc;  // f64 %40
        b22[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k17(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k17 matmul %23 = %0^T @ %21  (mlp_tanh_ce.model:9)
  __shared__ double ta[16][16 + 1];
  __shared__ double tb[16][16 + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long tilesN = (n + 16 - 1) / 16, tilesM = (m + 16 - 1) / 16;
  for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
    for (long long tr = blockIdx.y; tr < tilesN; tr += gridDim.y) {
      for (long long tc = blockIdx.x; tc < tilesM; tc += gridDim.x) {
        const long long row = tr * 16 + ty, col = tc * 16 + tx;
        double acc = 0;
        for (long long p0 = 0; p0 < k; p0 += 16) {
          const long long pa = p0 + tx, pb = p0 + ty;
          ta[ty][tx] = row < n && pa < k ? A[pa * n + row] : (double) 0;
          tb[ty][tx] = pb < k && col < m ? B[pb * m + col] : (double) 0;
          __syncthreads();
          // Only the slice's real terms, in order: adding a padding 0 * 0 would turn an acc of -0 into +0.
          const int width = k - p0 < 16 ? (int) (k - p0) : 16;
          for (int q = 0; q < width; q++) acc += ta[ty][q] * tb[q][tx];
          __syncthreads();
        }
        if (row < n && col < m) c[bt * n * m + row * m + col] = acc;
      }
    }
  }
}

extern "C" __global__ void k17_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k17 as a reduction over k (split-k)
  __shared__ double mc_fold[256];
  const long long outer = batch * n * m;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long col = o % m, row = (o / m) % n, bt = o / (n * m);
    const double* A = a + bt * n * k;
    const double* B = b + bt * k * m;
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
        c[o] = (double) acc;
      }
    }
    __syncthreads();
  }
}
