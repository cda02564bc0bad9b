// ===== Pooling.forward =====
// modelc: Pooling.forward, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ a, double* __restrict__ y) {
  // k0 max_pool[kernel=(2,2) stride=(2,2) padding=(0,0)]  (pooling.model:7): a thread per result element
  const long long P = 1LL * 2LL * 3LL, H = 4LL, W = 6LL, OH = 2LL, OW = 3LL;
  const long long KH = 2, KW = 2, SH = 2, SW = 2, PH = 0, PW = 0;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < P * OH * OW; r += (long long) gridDim.x * blockDim.x) {
    const long long j = r % OW, i = (r / OW) % OH, p = r / (OW * OH), base = p * H * W;
    long long at = -1;
    double best = 0;
    bool first = true;
    for (long long ki = 0; ki < KH; ki++) {
      const long long hh = i * SH - PH + ki;
      for (long long kj = 0; kj < KW; kj++) {
        const long long ww = j * SW - PW + kj;
        const bool inside = hh >= 0 && hh < H && ww >= 0 && ww < W;
        const double v = inside ? a[base + hh * W + ww] : (double) -MC_INF;
        if (first || v > best || v != v) {
          best = v;
          at = inside ? base + hh * W + ww : -1;
          first = false;
        }
      }
    }
    y[r] = at < 0 ? (double) -MC_INF : a[at];
  }
}

extern "C" __global__ void k1(const double* __restrict__ a, double* __restrict__ y) {
  // k1 max_pool[kernel=(3,3) stride=(1,2) padding=(1,1)]  (pooling.model:8): a thread per result element
  const long long P = 1LL * 2LL * 3LL, H = 4LL, W = 6LL, OH = 4LL, OW = 3LL;
  const long long KH = 3, KW = 3, SH = 1, SW = 2, PH = 1, PW = 1;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < P * OH * OW; r += (long long) gridDim.x * blockDim.x) {
    const long long j = r % OW, i = (r / OW) % OH, p = r / (OW * OH), base = p * H * W;
    long long at = -1;
    double best = 0;
    bool first = true;
    for (long long ki = 0; ki < KH; ki++) {
      const long long hh = i * SH - PH + ki;
      for (long long kj = 0; kj < KW; kj++) {
        const long long ww = j * SW - PW + kj;
        const bool inside = hh >= 0 && hh < H && ww >= 0 && ww < W;
        const double v = inside ? a[base + hh * W + ww] : (double) -MC_INF;
        if (first || v > best || v != v) {
          best = v;
          at = inside ? base + hh * W + ww : -1;
          first = false;
        }
      }
    }
    y[r] = at < 0 ? (double) -MC_INF : a[at];
  }
}

extern "C" __global__ void k2(const double* __restrict__ x0, double* __restrict__ y) {
  // k2 pad[starts=(0, 0, 1, 0) steps=(1, 1, 1, 1)]  (pooling.model:9): a thread per output element
  const long long n = 216LL;
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    long long rest = o;
    const long long i3 = rest % 6LL; rest /= 6LL;
    const long long i2 = rest % 6LL; rest /= 6LL;
    const long long i1 = rest % 3LL; rest /= 3LL;
    const long long i0 = rest % 2LL; rest /= 2LL;
    long long from = 0;
    bool placed = true;
    if ((i0 - 0LL) < 0LL || (i0 - 0LL) % 1LL != 0LL || (i0 - 0LL) / 1LL >= 2LL) placed = false;
    else from += (i0 - 0LL) / 1LL * 72LL;
    if ((i1 - 0LL) < 0LL || (i1 - 0LL) % 1LL != 0LL || (i1 - 0LL) / 1LL >= 3LL) placed = false;
    else from += (i1 - 0LL) / 1LL * 24LL;
    if ((i2 - 1LL) < 0LL || (i2 - 1LL) % 1LL != 0LL || (i2 - 1LL) / 1LL >= 4LL) placed = false;
    else from += (i2 - 1LL) / 1LL * 6LL;
    if ((i3 - 0LL) < 0LL || (i3 - 0LL) % 1LL != 0LL || (i3 - 0LL) / 1LL >= 6LL) placed = false;
    else from += (i3 - 0LL) / 1LL * 1LL;
    y[o] = placed ? (double) x0[from] : (double) 0;
  }
}

extern "C" __global__ void k3(const double* __restrict__ b3, double* __restrict__ b4) {
  // k3 loop [2, 3, 5, 4]  (pooling.model:9)
  const long long total = 120LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i3 = rest_i % 4LL; rest_i /= 4LL;
    const long long i2 = rest_i % 5LL; rest_i /= 5LL;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b3[108LL * i0 + 36LL * i1 + 6LL * i2 + i3];  // f64 %3
    const double v1 = b3[108LL * i0 + 36LL * i1 + 6LL * i2 + i3 + 1LL];  // f64 %3
    const double v2 = (v0 + v1);  // f64 %6
    const double v3 = b3[108LL * i0 + 36LL * i1 + 6LL * i2 + i3 + 2LL];  // f64 %3
    const double v4 = (v2 + v3);  // f64 %8
    const double v5 = b3[108LL * i0 + 36LL * i1 + 6LL * i2 + i3 + 6LL];  // f64 %3
    const double v6 = (v4 + v5);  // f64 %10
    const double v7 = b3[108LL * i0 + 36LL * i1 + 6LL * i2 + i3 + 7LL];  // f64 %3
    const double v8 = (v6 + v7);  // f64 %12
    const double v9 = b3[108LL * i0 + 36LL * i1 + 6LL * i2 + i3 + 8LL];  // f64 %3
    const double v10 = (v8 + v9);  // f64 %14
    const double v11 = 6.0;  // f64 %15
    const double v12 = (v10 / v11);  // f64 %16
    b4[e] = v12;
  }
}
// ===== Pooling.lossAndGradients =====
// modelc: Pooling.lossAndGradients, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ a, double* __restrict__ y) {
  // k0 max_pool[kernel=(2,2) stride=(2,2) padding=(0,0)]  (pooling.model:7): a thread per result element
  const long long P = 1LL * 2LL * 3LL, H = 4LL, W = 6LL, OH = 2LL, OW = 3LL;
  const long long KH = 2, KW = 2, SH = 2, SW = 2, PH = 0, PW = 0;
  for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < P * OH * OW; r += (long long) gridDim.x * blockDim.x) {
    const long long j = r % OW, i = (r / OW) % OH, p = r / (OW * OH), base = p * H * W;
    long long at = -1;
    double best = 0;
    bool first = true;
    for (long long ki = 0; ki < KH; ki++) {
      const long long hh = i * SH - PH + ki;
      for (long long kj = 0; kj < KW; kj++) {
        const long long ww = j * SW - PW + kj;
        const bool inside = hh >= 0 && hh < H && ww >= 0 && ww < W;
        const double v = inside ? a[base + hh * W + ww] : (double) -MC_INF;
        if (first || v > best || v != v) {
          best = v;
          at = inside ? base + hh * W + ww : -1;
          first = false;
        }
      }
    }
    y[r] = at < 0 ? (double) -MC_INF : a[at];
  }
}

extern "C" __global__ void k1(const double* __restrict__ b1, double* __restrict__ b3, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k1 loop [2, 3, 2, 3] reduce mean over [2, 2]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 36LL;
  const long long inner = 4LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    long long rest_i = o;
    const long long i3 = rest_i % 3LL; rest_i /= 3LL;
    const long long i2 = rest_i % 2LL; rest_i /= 2LL;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      long long rest_j = j;
      const long long j1 = rest_j % 2LL; rest_j /= 2LL;
      const long long j0 = rest_j;
      const double v0 = b1[72LL * i0 + 24LL * i1 + 12LL * i2 + 2LL * i3 + 6LL * j0 + j1];  // f64 %4
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
        const double v1 = (acc / (double) 4LL);  // f64 %5
        b3[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k2(const double* __restrict__ b2, const double* __restrict__ b3, double* __restrict__ b4, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k2 loop [] reduce sum over [2, 3, 2, 3]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 36LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b2[j];  // f64 %2
      const double v1 = tanh(v0);  // f64 %3
      const double v2 = b3[j];  // f64 %5
      const double v3 = (v1 * v2);  // f64 %6
      acc = acc + v3;
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
        const double v4 = acc;  // f64 %7
        b4[o] = v4;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k3(const double* __restrict__ b0, double* __restrict__ b5) {
  // k3 loop [1, 4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    const double v0 = b0[8LL * i0 + i1];  // f64 %0
    const double v1 = b0[8LL * i0 + i1 + 4LL];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %11
    b5[e] = v2;
  }
}

extern "C" __global__ void k4(const double* __restrict__ b5, const double* __restrict__ b0, double* __restrict__ b6) {
  // k4 loop [1, 4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b5[e];  // f64 %11
    const double v1 = b0[e + 8LL];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %12
    b6[e] = v2;
  }
}

extern "C" __global__ void k5(const double* __restrict__ b6, double* __restrict__ b7, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k5 loop [] reduce sum over [4]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 4LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b6[j];  // f64 %12
      const double v1 = (v0 * v0);  // f64 %14
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
        const double v2 = acc;  // f64 %15
        b7[o] = v2;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k6(unsigned char* __restrict__ b8) {
  // k6 loop [1, 4, 4]  (pooling.model:10)
  const long long total = 16LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i2 = rest_i % 4LL; rest_i /= 4LL;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    const double v0 = (double) (i2);  // i32 %19
    const double v1 = (double) (i1);  // i32 %19
    const double v2 = mc_to_bool((v0 <= v1 ? 1.0 : 0.0));  // bool %24
    b8[e] = (unsigned char) (v2 != 0);
  }
}

extern "C" __global__ void k7(const unsigned char* __restrict__ b8, const double* __restrict__ b0, double* __restrict__ b9, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k7 loop [3, 4] reduce sum over [4]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 12LL;
  const long long inner = 4LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    long long rest_i = o;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = (b8[4LL * i1 + j] ? 1.0 : 0.0);  // bool %24
      const double v1 = b0[4LL * i0 + j];  // f64 %0
      const double v2 = 0.0;  // f64 %26
      const double v3 = v0 != 0 ? v1 : v2;  // f64 %27
      acc = acc + v3;
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
        const double v4 = acc;  // f64 %28
        b9[o] = v4;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k8(const double* __restrict__ b9, const double* __restrict__ b0, double* __restrict__ b10, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k8 loop [] reduce sum over [3, 4]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 12LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b9[j];  // f64 %28
      const double v1 = b0[j];  // f64 %0
      const double v2 = (v0 * v1);  // f64 %29
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
        const double v3 = acc;  // f64 %30
        b10[o] = v3;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k9(const double* __restrict__ b1, double* __restrict__ b11) {
  // k9 loop [2, 6, 3, 4]  (pooling.model:10)
  const long long total = 144LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i3 = rest_i % 4LL; rest_i /= 4LL;
    const long long i2 = rest_i % 3LL; rest_i /= 3LL;
    const long long i1 = rest_i % 6LL; rest_i /= 6LL;
    const long long i0 = rest_i;
    const double v0 = b1[72LL * i0 + i1 + 24LL * i2 + 6LL * i3];  // f64 %1
    b11[e] = v0;
  }
}

extern "C" __global__ void k10_x8(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k10 matmul %12 = %11 @ %0  (pooling.model:10), 128x128 tiles
  mc_matmul<double, 8, false, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k10_x4(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k10 matmul %12 = %11 @ %0  (pooling.model:10), 64x64 tiles
  mc_matmul<double, 4, false, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k10(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k10 matmul %12 = %11 @ %0  (pooling.model:10), 16x16 tiles
  mc_matmul<double, 1, false, false>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k10_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k10 as a reduction over k (split-k)
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

extern "C" __global__ void k10_splitk_few(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k10 as one pass over k for at most 8 results
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
        const double* A = a + bt * n * k;
        const double* B = b + bt * k * m;
        acc[o] = acc[o] + (double) A[row * k + p] * (double) B[p * m + col];
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
      c[o] = (double) sum;
    }
    counters[0] = 0;
  }
}

extern "C" __global__ void k11(const double* __restrict__ b12, const double* __restrict__ b4, const double* __restrict__ b7, const double* __restrict__ b10, double* __restrict__ b13, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k11 loop [] reduce sum over [2, 6]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = 12LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v5 = b12[j];  // f64 %36
      const double v6 = (v5 * v5);  // f64 %37
      acc = acc + v6;
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
        const double v0 = b4[0LL];  // f64 %7
        const double v1 = b7[0LL];  // f64 %15
        const double v2 = (v0 + v1);  // f64 %16
        const double v3 = b10[0LL];  // f64 %30
        const double v4 = (v2 + v3);  // f64 %31
        const double v7 = acc;  // f64 %38
        const double v8 = (v4 + v7);  // f64 %39
        b13[o] = v8;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k12(const double* __restrict__ b12, double* __restrict__ b14) {
  // k12 loop [2, 6]  (pooling.model:10)
  const long long total = 12LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 2.0;  // f64 %40
    const double v1 = b12[e];  // f64 %36
    const double v2 = (v0 * v1);  // f64 %41
    b14[e] = v2;
  }
}

extern "C" __global__ void k13_x8(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k13 matmul %15 = %11^T @ %14  (pooling.model:10), 128x128 tiles
  mc_matmul<double, 8, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k13_x4(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k13 matmul %15 = %11^T @ %14  (pooling.model:10), 64x64 tiles
  mc_matmul<double, 4, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k13(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k13 matmul %15 = %11^T @ %14  (pooling.model:10), 16x16 tiles
  mc_matmul<double, 1, true, false>(a, b, c, batch, n, k, m);
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

extern "C" __global__ void k13_splitk_few(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k13 as one pass over k for at most 8 results
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
        const double* A = a + bt * n * k;
        const double* B = b + bt * k * m;
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
      c[o] = (double) sum;
    }
    counters[0] = 0;
  }
}

extern "C" __global__ void k14(const double* __restrict__ b6, double* __restrict__ b16) {
  // k14 loop [4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 2.0;  // f64 %53
    const double v1 = b6[e];  // f64 %12
    const double v2 = (v0 * v1);  // f64 %54
    b16[e] = v2;
  }
}

extern "C" __global__ void k15(const double* __restrict__ b16, const double* __restrict__ b0, double* __restrict__ b17) {
  // k15 loop [1, 4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    const double v0 = b16[i1];  // f64 %54
    const double v1 = b0[4LL * i0 + i1 + 8LL];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %56
    b17[e] = v2;
  }
}

extern "C" __global__ void k16(const double* __restrict__ b16, const double* __restrict__ b5, double* __restrict__ b18) {
  // k16 loop [1, 4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    const double v0 = b16[i1];  // f64 %54
    const double v1 = b5[4LL * i0 + i1];  // f64 %11
    const double v2 = (v0 * v1);  // f64 %57
    b18[e] = v2;
  }
}

extern "C" __global__ void k17(const double* __restrict__ b17, const double* __restrict__ b0, double* __restrict__ b19) {
  // k17 loop [1, 4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    const double v0 = b17[4LL * i0 + i1];  // f64 %56
    const double v1 = b0[8LL * i0 + i1 + 4LL];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %58
    b19[e] = v2;
  }
}

extern "C" __global__ void k18(const double* __restrict__ b17, const double* __restrict__ b0, double* __restrict__ b20) {
  // k18 loop [1, 4]  (pooling.model:10)
  const long long total = 4LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    const double v0 = b17[4LL * i0 + i1];  // f64 %56
    const double v1 = b0[8LL * i0 + i1];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %59
    b20[e] = v2;
  }
}

extern "C" __global__ void k19(const double* __restrict__ x0, double* __restrict__ y) {
  // k19 pad[starts=(1, 0) steps=(2, 1)]  (pooling.model:10): a thread per output element
  const long long n = 12LL;
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    long long rest = o;
    const long long i1 = rest % 4LL; rest /= 4LL;
    const long long i0 = rest % 3LL; rest /= 3LL;
    long long from = 0;
    bool placed = true;
    if ((i0 - 1LL) < 0LL || (i0 - 1LL) % 2LL != 0LL || (i0 - 1LL) / 2LL >= 1LL) placed = false;
    else from += (i0 - 1LL) / 2LL * 4LL;
    if ((i1 - 0LL) < 0LL || (i1 - 0LL) % 1LL != 0LL || (i1 - 0LL) / 1LL >= 4LL) placed = false;
    else from += (i1 - 0LL) / 1LL * 1LL;
    y[o] = placed ? (double) x0[from] : (double) 0;
  }
}

extern "C" __global__ void k20(const double* __restrict__ x0, double* __restrict__ y) {
  // k20 pad[starts=(0, 0) steps=(2, 1)]  (pooling.model:10): a thread per output element
  const long long n = 12LL;
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    long long rest = o;
    const long long i1 = rest % 4LL; rest /= 4LL;
    const long long i0 = rest % 3LL; rest /= 3LL;
    long long from = 0;
    bool placed = true;
    if ((i0 - 0LL) < 0LL || (i0 - 0LL) % 2LL != 0LL || (i0 - 0LL) / 2LL >= 1LL) placed = false;
    else from += (i0 - 0LL) / 2LL * 4LL;
    if ((i1 - 0LL) < 0LL || (i1 - 0LL) % 1LL != 0LL || (i1 - 0LL) / 1LL >= 4LL) placed = false;
    else from += (i1 - 0LL) / 1LL * 1LL;
    y[o] = placed ? (double) x0[from] : (double) 0;
  }
}

extern "C" __global__ void k21(const double* __restrict__ x0, double* __restrict__ y) {
  // k21 pad[starts=(2, 0) steps=(1, 1)]  (pooling.model:10): a thread per output element
  const long long n = 12LL;
  for (long long o = (long long) blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long) gridDim.x * blockDim.x) {
    long long rest = o;
    const long long i1 = rest % 4LL; rest /= 4LL;
    const long long i0 = rest % 3LL; rest /= 3LL;
    long long from = 0;
    bool placed = true;
    if ((i0 - 2LL) < 0LL || (i0 - 2LL) % 1LL != 0LL || (i0 - 2LL) / 1LL >= 1LL) placed = false;
    else from += (i0 - 2LL) / 1LL * 4LL;
    if ((i1 - 0LL) < 0LL || (i1 - 0LL) % 1LL != 0LL || (i1 - 0LL) / 1LL >= 4LL) placed = false;
    else from += (i1 - 0LL) / 1LL * 1LL;
    y[o] = placed ? (double) x0[from] : (double) 0;
  }
}

extern "C" __global__ void k22(const unsigned char* __restrict__ b8, const double* __restrict__ b0, const double* __restrict__ b15, const double* __restrict__ b9, const double* __restrict__ b21, const double* __restrict__ b22, const double* __restrict__ b23, double* __restrict__ b24, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k22 loop [3, 4] reduce sum over [4]  (pooling.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 12LL;
  const long long inner = 4LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    long long rest_i = o;
    const long long i1 = rest_i % 4LL; rest_i /= 4LL;
    const long long i0 = rest_i;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v3 = (b8[i1 + 4LL * j0] ? 1.0 : 0.0);  // bool %24
      const double v4 = b0[4LL * i0 + j0];  // f64 %0
      const double v5 = 0.0;  // f64 %26
      const double v6 = v3 != 0 ? v4 : v5;  // f64 %49
      acc = acc + v6;
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
        const double v0 = b15[4LL * i0 + i1];  // f64 %45
        const double v1 = b9[4LL * i0 + i1];  // f64 %28
        const double v2 = (v0 + v1);  // f64 %46
        const double v7 = acc;  // f64 %50
        const double v8 = (v2 + v7);  // f64 %52
        const double v9 = b21[4LL * i0 + i1];  // f64 %60
        const double v10 = (v8 + v9);  // f64 %61
        const double v11 = b22[4LL * i0 + i1];  // f64 %62
        const double v12 = (v10 + v11);  // f64 %63
        const double v13 = b23[4LL * i0 + i1];  // f64 %64
        const double v14 = (v12 + v13);  // f64 %65
        b24[o] = v14;
      }
    }
    __syncthreads();
  }
}
