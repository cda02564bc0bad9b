// ===== ElementwiseFunctions.lossAndGradients =====
// modelc: ElementwiseFunctions.lossAndGradients, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ b0, double* __restrict__ b1) {
  // k0 loop [7]  (elementwise_functions.model:7)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = tanh(v0);  // f64 %4
    b1[e] = v1;
  }
}

extern "C" __global__ void k1(const double* __restrict__ b1, double* __restrict__ b2) {
  // k1 loop [7]  (elementwise_functions.model:7)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.9;  // f64 %5
    const double v1 = b1[e];  // f64 %4
    const double v2 = (v0 * v1);  // f64 %6
    b2[e] = v2;
  }
}

extern "C" __global__ void k2(const double* __restrict__ b0, double* __restrict__ b3) {
  // k2 loop [7]  (elementwise_functions.model:7)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = sinh(v0);  // f64 %11
    b3[e] = v1;
  }
}

extern "C" __global__ void k3(const double* __restrict__ b0, double* __restrict__ b4) {
  // k3 loop [7]  (elementwise_functions.model:7)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = cosh(v0);  // f64 %13
    b4[e] = v1;
  }
}

extern "C" __global__ void k4(const double* __restrict__ b0, const double* __restrict__ b2, const double* __restrict__ b3, const double* __restrict__ b4, double* __restrict__ b5, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k4 loop [] reduce sum over [7]  (elementwise_functions.model:7)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 7LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b0[j];  // f64 %0
      const double v1 = erf(v0);  // f64 %1
      const double v2 = atan(v0);  // f64 %2
      const double v3 = (v1 + v2);  // f64 %3
      const double v4 = b2[j];  // f64 %6
      const double v5 = asin(v4);  // f64 %7
      const double v6 = (v3 + v5);  // f64 %8
      const double v7 = acos(v4);  // f64 %9
      const double v8 = (v6 + v7);  // f64 %10
      const double v9 = b3[j];  // f64 %11
      const double v10 = (v8 + v9);  // f64 %12
      const double v11 = b4[j];  // f64 %13
      const double v12 = (v10 + v11);  // f64 %14
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
        const double v13 = acc;  // f64 %15
        b5[o] = v13;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k5(const double* __restrict__ b0, double* __restrict__ b6) {
  // k5 loop [7]  (elementwise_functions.model:8)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = (v0 * v0);  // f64 %16
    b6[e] = v1;
  }
}

extern "C" __global__ void k6(const double* __restrict__ b6, double* __restrict__ b7) {
  // k6 loop [7]  (elementwise_functions.model:8)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b6[e];  // f64 %16
    const double v1 = 0.5;  // f64 %17
    const double v2 = (v0 + v1);  // f64 %18
    b7[e] = v2;
  }
}

extern "C" __global__ void k7(const double* __restrict__ b0, double* __restrict__ b8) {
  // k7 loop [7]  (elementwise_functions.model:8)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = exp2(v0);  // f64 %20
    b8[e] = v1;
  }
}

extern "C" __global__ void k8(const double* __restrict__ b7, double* __restrict__ b9) {
  // k8 loop [7]  (elementwise_functions.model:8)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b7[e];  // f64 %18
    const double v1 = (1.0 / sqrt(v0));  // f64 %22
    b9[e] = v1;
  }
}

extern "C" __global__ void k9(const double* __restrict__ b6, double* __restrict__ b10) {
  // k9 loop [7]  (elementwise_functions.model:8)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b6[e];  // f64 %16
    const double v1 = 1.0;  // f64 %24
    const double v2 = (v0 + v1);  // f64 %25
    const double v3 = (1.0 / v2);  // f64 %26
    b10[e] = v3;
  }
}

extern "C" __global__ void k10(const double* __restrict__ b7, const double* __restrict__ b8, const double* __restrict__ b9, const double* __restrict__ b10, double* __restrict__ b11, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k10 loop [] reduce sum over [7]  (elementwise_functions.model:8)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 7LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b7[j];  // f64 %18
      const double v1 = log2(v0);  // f64 %19
      const double v2 = b8[j];  // f64 %20
      const double v3 = (v1 + v2);  // f64 %21
      const double v4 = b9[j];  // f64 %22
      const double v5 = (v3 + v4);  // f64 %23
      const double v6 = b10[j];  // f64 %26
      const double v7 = (v5 + v6);  // f64 %27
      acc = acc + v7;
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
        const double v8 = acc;  // f64 %28
        b11[o] = v8;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k11(const double* __restrict__ b0, double* __restrict__ b12) {
  // k11 loop [7]  (elementwise_functions.model:9)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = floor(v0);  // f64 %30
    b12[e] = v1;
  }
}

extern "C" __global__ void k12(const double* __restrict__ b0, double* __restrict__ b13) {
  // k12 loop [7]  (elementwise_functions.model:9)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = ceil(v0);  // f64 %32
    b13[e] = v1;
  }
}

extern "C" __global__ void k13(const double* __restrict__ b0, double* __restrict__ b14) {
  // k13 loop [7]  (elementwise_functions.model:9)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = rint(v0);  // f64 %35
    b14[e] = v1;
  }
}

extern "C" __global__ void k14(const double* __restrict__ b0, double* __restrict__ b15) {
  // k14 loop [7]  (elementwise_functions.model:9)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = trunc(v0);  // f64 %38
    b15[e] = v1;
  }
}

extern "C" __global__ void k15(const double* __restrict__ b12, const double* __restrict__ b0, const double* __restrict__ b13, const double* __restrict__ b14, const double* __restrict__ b15, double* __restrict__ b16, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k15 loop [] reduce sum over [7]  (elementwise_functions.model:9)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 7LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b12[j];  // f64 %30
      const double v1 = b0[j];  // f64 %0
      const double v2 = (v0 * v1);  // f64 %31
      const double v3 = b13[j];  // f64 %32
      const double v4 = (v3 * v1);  // f64 %33
      const double v5 = (v2 + v4);  // f64 %34
      const double v6 = b14[j];  // f64 %35
      const double v7 = (v6 * v1);  // f64 %36
      const double v8 = (v5 + v7);  // f64 %37
      const double v9 = b15[j];  // f64 %38
      const double v10 = (v9 * v1);  // f64 %39
      const double v11 = (v8 + v10);  // f64 %40
      const double v12 = mc_to_bool((mc_isnan(v1) ? 1.0 : 0.0));  // bool %41
      const double v13 = (double) v12;  // f64 %42
      const double v14 = (v11 + v13);  // f64 %43
      const double v15 = mc_to_bool((fabs(v1) < MC_INF ? 1.0 : 0.0));  // bool %44
      const double v16 = (double) v15;  // f64 %45
      const double v17 = (v14 + v16);  // f64 %46
      acc = acc + v17;
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
        const double v18 = acc;  // f64 %47
        b16[o] = v18;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k16(const double* __restrict__ b0, double* __restrict__ b17) {
  // k16 loop [7]  (<prelude>:41)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = mc_sigmoid(v0);  // f64 %49
    b17[e] = v1;
  }
}

extern "C" __global__ void k17(const double* __restrict__ b0, double* __restrict__ b18) {
  // k17 loop [7]  (<prelude>:44)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = 0.5;  // f64 %17
    const double v2 = (v0 * v1);  // f64 %51
    b18[e] = v2;
  }
}

extern "C" __global__ void k18(const double* __restrict__ b0, double* __restrict__ b19) {
  // k18 loop [7]  (<prelude>:44)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = 0.7071067811865476;  // f64 %52
    const double v2 = (v0 * v1);  // f64 %53
    b19[e] = v2;
  }
}

extern "C" __global__ void k19(const double* __restrict__ b19, double* __restrict__ b20) {
  // k19 loop [7]  (<prelude>:44)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 1.0;  // f64 %24
    const double v1 = b19[e];  // f64 %53
    const double v2 = erf(v1);  // f64 %54
    const double v3 = (v0 + v2);  // f64 %55
    b20[e] = v3;
  }
}

extern "C" __global__ void k20(const double* __restrict__ b0, double* __restrict__ b21) {
  // k20 loop [7]  (<prelude>:47)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.5;  // f64 %17
    const double v1 = b0[e];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %58
    b21[e] = v2;
  }
}

extern "C" __global__ void k21(const double* __restrict__ b0, const double* __restrict__ b6, double* __restrict__ b22) {
  // k21 loop [7]  (<prelude>:47)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.7978845608028654;  // f64 %63
    const double v1 = b0[e];  // f64 %0
    const double v2 = 0.044715;  // f64 %60
    const double v3 = b6[e];  // f64 %16
    const double v4 = (v3 * v1);  // f64 %59
    const double v5 = (v2 * v4);  // f64 %61
    const double v6 = (v1 + v5);  // f64 %62
    const double v7 = (v0 * v6);  // f64 %64
    const double v8 = tanh(v7);  // f64 %65
    b22[e] = v8;
  }
}

extern "C" __global__ void k22(const double* __restrict__ b22, double* __restrict__ b23) {
  // k22 loop [7]  (<prelude>:47)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 1.0;  // f64 %24
    const double v1 = b22[e];  // f64 %65
    const double v2 = (v0 + v1);  // f64 %66
    b23[e] = v2;
  }
}

extern "C" __global__ void k23(const double* __restrict__ b0, unsigned char* __restrict__ b24) {
  // k23 loop [7]  (<prelude>:51)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = 0.0;  // f64 %69
    const double v2 = mc_to_bool((v0 > v1 ? 1.0 : 0.0));  // bool %70
    b24[e] = (unsigned char) (v2 != 0);
  }
}

extern "C" __global__ void k24(const unsigned char* __restrict__ b24, const double* __restrict__ b0, double* __restrict__ b25) {
  // k24 loop [7]  (<prelude>:51)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = (b24[e] ? 1.0 : 0.0);  // bool %70
    const double v1 = 0.0;  // f64 %69
    const double v2 = b0[e];  // f64 %0
    const double v3 = v0 != 0 ? v1 : v2;  // f64 %71
    const double v4 = exp(v3);  // f64 %72
    b25[e] = v4;
  }
}

extern "C" __global__ void k25(const double* __restrict__ b0, unsigned char* __restrict__ b26) {
  // k25 loop [7]  (elementwise_functions.model:10)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = (-0.5);  // f64 %80
    const double v2 = mc_to_bool((v0 < v1 ? 1.0 : 0.0));  // bool %81
    b26[e] = (unsigned char) (v2 != 0);
  }
}

extern "C" __global__ void k26(const unsigned char* __restrict__ b26, const double* __restrict__ b0, double* __restrict__ b27) {
  // k26 loop [7]  (elementwise_functions.model:10)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = (b26[e] ? 1.0 : 0.0);  // bool %81
    const double v1 = (-0.5);  // f64 %80
    const double v2 = b0[e];  // f64 %0
    const double v3 = v0 != 0 ? v1 : v2;  // f64 %82
    b27[e] = v3;
  }
}

extern "C" __global__ void k27(const double* __restrict__ b27, unsigned char* __restrict__ b28) {
  // k27 loop [7]  (elementwise_functions.model:10)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b27[e];  // f64 %82
    const double v1 = 0.5;  // f64 %17
    const double v2 = mc_to_bool((v0 > v1 ? 1.0 : 0.0));  // bool %83
    b28[e] = (unsigned char) (v2 != 0);
  }
}

extern "C" __global__ void k28(const double* __restrict__ b0, const double* __restrict__ b17, const double* __restrict__ b18, const double* __restrict__ b20, const double* __restrict__ b21, const double* __restrict__ b23, const unsigned char* __restrict__ b24, const double* __restrict__ b25, const unsigned char* __restrict__ b28, const double* __restrict__ b27, const double* __restrict__ b5, const double* __restrict__ b11, const double* __restrict__ b16, double* __restrict__ b29, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k28 loop [] reduce sum over [7]  (elementwise_functions.model:9)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 7LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v5 = b0[j];  // f64 %0
      const double v6 = b17[j];  // f64 %49
      const double v7 = (v5 * v6);  // f64 %50
      const double v8 = b18[j];  // f64 %51
      const double v9 = b20[j];  // f64 %55
      const double v10 = (v8 * v9);  // f64 %56
      const double v11 = (v7 + v10);  // f64 %57
      const double v12 = b21[j];  // f64 %58
      const double v13 = b23[j];  // f64 %66
      const double v14 = (v12 * v13);  // f64 %67
      const double v15 = (v11 + v14);  // f64 %68
      const double v16 = (b24[j] ? 1.0 : 0.0);  // bool %70
      const double v17 = b25[j];  // f64 %72
      const double v18 = 1.0;  // f64 %24
      const double v19 = (v17 - v18);  // f64 %73
      const double v20 = v16 != 0 ? v5 : v19;  // f64 %74
      const double v21 = (v15 + v20);  // f64 %75
      const double v22 = 0.1;  // f64 %76
      const double v23 = (v5 * v22);  // f64 %77
      const double v24 = v16 != 0 ? v5 : v23;  // f64 %78
      const double v25 = (v21 + v24);  // f64 %79
      const double v26 = (b28[j] ? 1.0 : 0.0);  // bool %83
      const double v27 = 0.5;  // f64 %17
      const double v28 = b27[j];  // f64 %82
      const double v29 = v26 != 0 ? v27 : v28;  // f64 %84
      const double v30 = (v25 + v29);  // f64 %85
      acc = acc + v30;
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
        const double v0 = b5[0LL];  // f64 %15
        const double v1 = b11[0LL];  // f64 %28
        const double v2 = (v0 + v1);  // f64 %29
        const double v3 = b16[0LL];  // f64 %47
        const double v4 = (v2 + v3);  // f64 %48
        const double v31 = acc;  // f64 %86
        const double v32 = (v4 + v31);  // f64 %87
        b29[o] = v32;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k29(const unsigned char* __restrict__ b26, const unsigned char* __restrict__ b28, const unsigned char* __restrict__ b24, const double* __restrict__ b25, const double* __restrict__ b21, const double* __restrict__ b22, const double* __restrict__ b6, const double* __restrict__ b23, const double* __restrict__ b18, const double* __restrict__ b19, const double* __restrict__ b20, const double* __restrict__ b17, const double* __restrict__ b0, const double* __restrict__ b15, const double* __restrict__ b14, const double* __restrict__ b13, const double* __restrict__ b12, const double* __restrict__ b8, const double* __restrict__ b10, const double* __restrict__ b9, const double* __restrict__ b7, const double* __restrict__ b3, const double* __restrict__ b4, const double* __restrict__ b2, const double* __restrict__ b1, double* __restrict__ b30) {
  // k29 loop [7]  (elementwise_functions.model:7)
  const long long total = 7LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = (b26[e] ? 1.0 : 0.0);  // bool %81
    const double v1 = 0.0;  // f64 %69
    const double v2 = (b28[e] ? 1.0 : 0.0);  // bool %83
    const double v3 = 1.0;  // f64 %24
    const double v4 = v2 != 0 ? v1 : v3;  // f64 %88
    const double v5 = v0 != 0 ? v1 : v4;  // f64 %89
    const double v6 = (b24[e] ? 1.0 : 0.0);  // bool %70
    const double v7 = v6 != 0 ? v3 : v1;  // f64 %90
    const double v8 = (v5 + v7);  // f64 %92
    const double v9 = v6 != 0 ? v1 : v3;  // f64 %91
    const double v10 = 0.1;  // f64 %76
    const double v11 = (v9 * v10);  // f64 %93
    const double v12 = (v8 + v11);  // f64 %94
    const double v13 = (v12 + v7);  // f64 %95
    const double v14 = b25[e];  // f64 %72
    const double v15 = (v9 * v14);  // f64 %96
    const double v16 = v6 != 0 ? v1 : v15;  // f64 %97
    const double v17 = (v13 + v16);  // f64 %98
    const double v18 = b21[e];  // f64 %58
    const double v19 = b22[e];  // f64 %65
    const double v20 = (v19 * v19);  // f64 %99
    const double v21 = (v3 - v20);  // f64 %100
    const double v22 = (v18 * v21);  // f64 %101
    const double v23 = 0.7978845608028654;  // f64 %63
    const double v24 = (v22 * v23);  // f64 %102
    const double v25 = (v17 + v24);  // f64 %103
    const double v26 = 0.044715;  // f64 %60
    const double v27 = (v24 * v26);  // f64 %104
    const double v28 = b6[e];  // f64 %16
    const double v29 = (v27 * v28);  // f64 %106
    const double v30 = (v25 + v29);  // f64 %107
    const double v31 = b23[e];  // f64 %66
    const double v32 = 0.5;  // f64 %17
    const double v33 = (v31 * v32);  // f64 %108
    const double v34 = (v30 + v33);  // f64 %109
    const double v35 = b18[e];  // f64 %51
    const double v36 = 1.1283791670955126;  // f64 %113
    const double v37 = b19[e];  // f64 %53
    const double v38 = (v37 * v37);  // f64 %110
    const double v39 = (-v38);  // f64 %111
    const double v40 = exp(v39);  // f64 %112
    const double v41 = (v36 * v40);  // f64 %114
    const double v42 = (v35 * v41);  // f64 %115
    const double v43 = 0.7071067811865476;  // f64 %52
    const double v44 = (v42 * v43);  // f64 %116
    const double v45 = (v34 + v44);  // f64 %117
    const double v46 = b20[e];  // f64 %55
    const double v47 = (v46 * v32);  // f64 %118
    const double v48 = (v45 + v47);  // f64 %119
    const double v49 = b17[e];  // f64 %49
    const double v50 = (v48 + v49);  // f64 %120
    const double v51 = b0[e];  // f64 %0
    const double v52 = (v3 - v49);  // f64 %121
    const double v53 = (v49 * v52);  // f64 %122
    const double v54 = (v51 * v53);  // f64 %123
    const double v55 = (v50 + v54);  // f64 %124
    const double v56 = b15[e];  // f64 %38
    const double v57 = (v55 + v56);  // f64 %125
    const double v58 = b14[e];  // f64 %35
    const double v59 = (v57 + v58);  // f64 %126
    const double v60 = b13[e];  // f64 %32
    const double v61 = (v59 + v60);  // f64 %127
    const double v62 = b12[e];  // f64 %30
    const double v63 = (v61 + v62);  // f64 %128
    const double v64 = 0.6931471805599453;  // f64 %134
    const double v65 = b8[e];  // f64 %20
    const double v66 = (v64 * v65);  // f64 %135
    const double v67 = (v63 + v66);  // f64 %136
    const double v68 = (v27 * v51);  // f64 %105
    const double v69 = b10[e];  // f64 %26
    const double v70 = (v69 * v69);  // f64 %129
    const double v71 = (v68 - v70);  // f64 %130
    const double v72 = (-0.5);  // f64 %80
    const double v73 = b9[e];  // f64 %22
    const double v74 = (v73 * v73);  // f64 %131
    const double v75 = (v73 * v74);  // f64 %132
    const double v76 = (v72 * v75);  // f64 %133
    const double v77 = b7[e];  // f64 %18
    const double v78 = (v64 * v77);  // f64 %137
    const double v79 = (1.0 / v78);  // f64 %138
    const double v80 = (v76 + v79);  // f64 %139
    const double v81 = (v71 + v80);  // f64 %140
    const double v82 = (v81 * v51);  // f64 %141
    const double v83 = (v67 + v82);  // f64 %142
    const double v84 = (v83 + v82);  // f64 %143
    const double v85 = b3[e];  // f64 %11
    const double v86 = (v84 + v85);  // f64 %144
    const double v87 = b4[e];  // f64 %13
    const double v88 = (v86 + v87);  // f64 %145
    const double v89 = b2[e];  // f64 %6
    const double v90 = (v89 * v89);  // f64 %146
    const double v91 = (v3 - v90);  // f64 %147
    const double v92 = sqrt(v91);  // f64 %148
    const double v93 = (1.0 / v92);  // f64 %149
    const double v94 = (-v93);  // f64 %150
    const double v95 = (v94 + v93);  // f64 %151
    const double v96 = 0.9;  // f64 %5
    const double v97 = (v95 * v96);  // f64 %152
    const double v98 = b1[e];  // f64 %4
    const double v99 = (v98 * v98);  // f64 %153
    const double v100 = (v3 - v99);  // f64 %154
    const double v101 = (v97 * v100);  // f64 %155
    const double v102 = (v88 + v101);  // f64 %156
    const double v103 = (v51 * v51);  // f64 %157
    const double v104 = (v3 + v103);  // f64 %158
    const double v105 = (1.0 / v104);  // f64 %159
    const double v106 = (v102 + v105);  // f64 %160
    const double v107 = (-v103);  // f64 %161
    const double v108 = exp(v107);  // f64 %162
    const double v109 = (v36 * v108);  // f64 %163
    const double v110 = (v106 + v109);  // f64 %164
    b30[e] = v110;
  }
}
