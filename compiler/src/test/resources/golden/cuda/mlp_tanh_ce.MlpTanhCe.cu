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

extern "C" __global__ void k0(const double* __restrict__ b0, const double* __restrict__ b1, const double* __restrict__ b2, const double* __restrict__ b3, const double* __restrict__ b4, double* __restrict__ b5, long long d_N) {
  // k0 loop [N, 3]  (mlp_tanh_ce.model:10)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %9
    const double v1 = 0.0;  // f64 %5
    const double v2 = b0[5LL * i0];  // f64 %0
    const double v3 = b1[0LL];  // f64 %1
    const double v4 = (v2 * v3);  // f64 %5
    const double v5 = (v1 + v4);  // f64 %5
    const double v6 = b0[5LL * i0 + 1LL];  // f64 %0
    const double v7 = b1[8LL];  // f64 %1
    const double v8 = (v6 * v7);  // f64 %5
    const double v9 = (v5 + v8);  // f64 %5
    const double v10 = b0[5LL * i0 + 2LL];  // f64 %0
    const double v11 = b1[16LL];  // f64 %1
    const double v12 = (v10 * v11);  // f64 %5
    const double v13 = (v9 + v12);  // f64 %5
    const double v14 = b0[5LL * i0 + 3LL];  // f64 %0
    const double v15 = b1[24LL];  // f64 %1
    const double v16 = (v14 * v15);  // f64 %5
    const double v17 = (v13 + v16);  // f64 %5
    const double v18 = b0[5LL * i0 + 4LL];  // f64 %0
    const double v19 = b1[32LL];  // f64 %1
    const double v20 = (v18 * v19);  // f64 %5
    const double v21 = (v17 + v20);  // f64 %5
    const double v22 = b2[0LL];  // f64 %2
    const double v23 = (v21 + v22);  // f64 %7
    const double v24 = tanh(v23);  // f64 %8
    const double v25 = b3[i1];  // f64 %3
    const double v26 = (v24 * v25);  // f64 %9
    const double v27 = (v0 + v26);  // f64 %9
    const double v28 = 0.0;  // f64 %5
    const double v29 = b1[1LL];  // f64 %1
    const double v30 = (v2 * v29);  // f64 %5
    const double v31 = (v28 + v30);  // f64 %5
    const double v32 = b1[9LL];  // f64 %1
    const double v33 = (v6 * v32);  // f64 %5
    const double v34 = (v31 + v33);  // f64 %5
    const double v35 = b1[17LL];  // f64 %1
    const double v36 = (v10 * v35);  // f64 %5
    const double v37 = (v34 + v36);  // f64 %5
    const double v38 = b1[25LL];  // f64 %1
    const double v39 = (v14 * v38);  // f64 %5
    const double v40 = (v37 + v39);  // f64 %5
    const double v41 = b1[33LL];  // f64 %1
    const double v42 = (v18 * v41);  // f64 %5
    const double v43 = (v40 + v42);  // f64 %5
    const double v44 = b2[1LL];  // f64 %2
    const double v45 = (v43 + v44);  // f64 %7
    const double v46 = tanh(v45);  // f64 %8
    const double v47 = b3[i1 + 3LL];  // f64 %3
    const double v48 = (v46 * v47);  // f64 %9
    const double v49 = (v27 + v48);  // f64 %9
    const double v50 = 0.0;  // f64 %5
    const double v51 = b1[2LL];  // f64 %1
    const double v52 = (v2 * v51);  // f64 %5
    const double v53 = (v50 + v52);  // f64 %5
    const double v54 = b1[10LL];  // f64 %1
    const double v55 = (v6 * v54);  // f64 %5
    const double v56 = (v53 + v55);  // f64 %5
    const double v57 = b1[18LL];  // f64 %1
    const double v58 = (v10 * v57);  // f64 %5
    const double v59 = (v56 + v58);  // f64 %5
    const double v60 = b1[26LL];  // f64 %1
    const double v61 = (v14 * v60);  // f64 %5
    const double v62 = (v59 + v61);  // f64 %5
    const double v63 = b1[34LL];  // f64 %1
    const double v64 = (v18 * v63);  // f64 %5
    const double v65 = (v62 + v64);  // f64 %5
    const double v66 = b2[2LL];  // f64 %2
    const double v67 = (v65 + v66);  // f64 %7
    const double v68 = tanh(v67);  // f64 %8
    const double v69 = b3[i1 + 6LL];  // f64 %3
    const double v70 = (v68 * v69);  // f64 %9
    const double v71 = (v49 + v70);  // f64 %9
    const double v72 = 0.0;  // f64 %5
    const double v73 = b1[3LL];  // f64 %1
    const double v74 = (v2 * v73);  // f64 %5
    const double v75 = (v72 + v74);  // f64 %5
    const double v76 = b1[11LL];  // f64 %1
    const double v77 = (v6 * v76);  // f64 %5
    const double v78 = (v75 + v77);  // f64 %5
    const double v79 = b1[19LL];  // f64 %1
    const double v80 = (v10 * v79);  // f64 %5
    const double v81 = (v78 + v80);  // f64 %5
    const double v82 = b1[27LL];  // f64 %1
    const double v83 = (v14 * v82);  // f64 %5
    const double v84 = (v81 + v83);  // f64 %5
    const double v85 = b1[35LL];  // f64 %1
    const double v86 = (v18 * v85);  // f64 %5
    const double v87 = (v84 + v86);  // f64 %5
    const double v88 = b2[3LL];  // f64 %2
    const double v89 = (v87 + v88);  // f64 %7
    const double v90 = tanh(v89);  // f64 %8
    const double v91 = b3[i1 + 9LL];  // f64 %3
    const double v92 = (v90 * v91);  // f64 %9
    const double v93 = (v71 + v92);  // f64 %9
    const double v94 = 0.0;  // f64 %5
    const double v95 = b1[4LL];  // f64 %1
    const double v96 = (v2 * v95);  // f64 %5
    const double v97 = (v94 + v96);  // f64 %5
    const double v98 = b1[12LL];  // f64 %1
    const double v99 = (v6 * v98);  // f64 %5
    const double v100 = (v97 + v99);  // f64 %5
    const double v101 = b1[20LL];  // f64 %1
    const double v102 = (v10 * v101);  // f64 %5
    const double v103 = (v100 + v102);  // f64 %5
    const double v104 = b1[28LL];  // f64 %1
    const double v105 = (v14 * v104);  // f64 %5
    const double v106 = (v103 + v105);  // f64 %5
    const double v107 = b1[36LL];  // f64 %1
    const double v108 = (v18 * v107);  // f64 %5
    const double v109 = (v106 + v108);  // f64 %5
    const double v110 = b2[4LL];  // f64 %2
    const double v111 = (v109 + v110);  // f64 %7
    const double v112 = tanh(v111);  // f64 %8
    const double v113 = b3[i1 + 12LL];  // f64 %3
    const double v114 = (v112 * v113);  // f64 %9
    const double v115 = (v93 + v114);  // f64 %9
    const double v116 = 0.0;  // f64 %5
    const double v117 = b1[5LL];  // f64 %1
    const double v118 = (v2 * v117);  // f64 %5
    const double v119 = (v116 + v118);  // f64 %5
    const double v120 = b1[13LL];  // f64 %1
    const double v121 = (v6 * v120);  // f64 %5
    const double v122 = (v119 + v121);  // f64 %5
    const double v123 = b1[21LL];  // f64 %1
    const double v124 = (v10 * v123);  // f64 %5
    const double v125 = (v122 + v124);  // f64 %5
    const double v126 = b1[29LL];  // f64 %1
    const double v127 = (v14 * v126);  // f64 %5
    const double v128 = (v125 + v127);  // f64 %5
    const double v129 = b1[37LL];  // f64 %1
    const double v130 = (v18 * v129);  // f64 %5
    const double v131 = (v128 + v130);  // f64 %5
    const double v132 = b2[5LL];  // f64 %2
    const double v133 = (v131 + v132);  // f64 %7
    const double v134 = tanh(v133);  // f64 %8
    const double v135 = b3[i1 + 15LL];  // f64 %3
    const double v136 = (v134 * v135);  // f64 %9
    const double v137 = (v115 + v136);  // f64 %9
    const double v138 = 0.0;  // f64 %5
    const double v139 = b1[6LL];  // f64 %1
    const double v140 = (v2 * v139);  // f64 %5
    const double v141 = (v138 + v140);  // f64 %5
    const double v142 = b1[14LL];  // f64 %1
    const double v143 = (v6 * v142);  // f64 %5
    const double v144 = (v141 + v143);  // f64 %5
    const double v145 = b1[22LL];  // f64 %1
    const double v146 = (v10 * v145);  // f64 %5
    const double v147 = (v144 + v146);  // f64 %5
    const double v148 = b1[30LL];  // f64 %1
    const double v149 = (v14 * v148);  // f64 %5
    const double v150 = (v147 + v149);  // f64 %5
    const double v151 = b1[38LL];  // f64 %1
    const double v152 = (v18 * v151);  // f64 %5
    const double v153 = (v150 + v152);  // f64 %5
    const double v154 = b2[6LL];  // f64 %2
    const double v155 = (v153 + v154);  // f64 %7
    const double v156 = tanh(v155);  // f64 %8
    const double v157 = b3[i1 + 18LL];  // f64 %3
    const double v158 = (v156 * v157);  // f64 %9
    const double v159 = (v137 + v158);  // f64 %9
    const double v160 = 0.0;  // f64 %5
    const double v161 = b1[7LL];  // f64 %1
    const double v162 = (v2 * v161);  // f64 %5
    const double v163 = (v160 + v162);  // f64 %5
    const double v164 = b1[15LL];  // f64 %1
    const double v165 = (v6 * v164);  // f64 %5
    const double v166 = (v163 + v165);  // f64 %5
    const double v167 = b1[23LL];  // f64 %1
    const double v168 = (v10 * v167);  // f64 %5
    const double v169 = (v166 + v168);  // f64 %5
    const double v170 = b1[31LL];  // f64 %1
    const double v171 = (v14 * v170);  // f64 %5
    const double v172 = (v169 + v171);  // f64 %5
    const double v173 = b1[39LL];  // f64 %1
    const double v174 = (v18 * v173);  // f64 %5
    const double v175 = (v172 + v174);  // f64 %5
    const double v176 = b2[7LL];  // f64 %2
    const double v177 = (v175 + v176);  // f64 %7
    const double v178 = tanh(v177);  // f64 %8
    const double v179 = b3[i1 + 21LL];  // f64 %3
    const double v180 = (v178 * v179);  // f64 %9
    const double v181 = (v159 + v180);  // f64 %9
    const double v182 = b4[i1];  // f64 %4
    const double v183 = (v181 + v182);  // f64 %11
    b5[e] = v183;
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

extern "C" __global__ void k0(const double* __restrict__ b0, const double* __restrict__ b2, const double* __restrict__ b3, double* __restrict__ b6, long long d_N) {
  // k0 loop [N, 8]  (mlp_tanh_ce.model:9)
  const long long total = (8LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 8LL; rest_i /= 8LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %6
    const double v1 = b0[5LL * i0];  // f64 %0
    const double v2 = b2[i1];  // f64 %2
    const double v3 = (v1 * v2);  // f64 %6
    const double v4 = (v0 + v3);  // f64 %6
    const double v5 = b0[5LL * i0 + 1LL];  // f64 %0
    const double v6 = b2[i1 + 8LL];  // f64 %2
    const double v7 = (v5 * v6);  // f64 %6
    const double v8 = (v4 + v7);  // f64 %6
    const double v9 = b0[5LL * i0 + 2LL];  // f64 %0
    const double v10 = b2[i1 + 16LL];  // f64 %2
    const double v11 = (v9 * v10);  // f64 %6
    const double v12 = (v8 + v11);  // f64 %6
    const double v13 = b0[5LL * i0 + 3LL];  // f64 %0
    const double v14 = b2[i1 + 24LL];  // f64 %2
    const double v15 = (v13 * v14);  // f64 %6
    const double v16 = (v12 + v15);  // f64 %6
    const double v17 = b0[5LL * i0 + 4LL];  // f64 %0
    const double v18 = b2[i1 + 32LL];  // f64 %2
    const double v19 = (v17 * v18);  // f64 %6
    const double v20 = (v16 + v19);  // f64 %6
    const double v21 = b3[i1];  // f64 %3
    const double v22 = (v20 + v21);  // f64 %8
    const double v23 = tanh(v22);  // f64 %9
    b6[e] = v23;
  }
}

extern "C" __global__ void k1(const double* __restrict__ b6, const double* __restrict__ b4, const double* __restrict__ b5, double* __restrict__ b7, long long d_N) {
  // k1 loop [N, 3]  (mlp_tanh_ce.model:10)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %10
    const double v1 = b6[8LL * i0];  // f64 %9
    const double v2 = b4[i1];  // f64 %4
    const double v3 = (v1 * v2);  // f64 %10
    const double v4 = (v0 + v3);  // f64 %10
    const double v5 = b6[8LL * i0 + 1LL];  // f64 %9
    const double v6 = b4[i1 + 3LL];  // f64 %4
    const double v7 = (v5 * v6);  // f64 %10
    const double v8 = (v4 + v7);  // f64 %10
    const double v9 = b6[8LL * i0 + 2LL];  // f64 %9
    const double v10 = b4[i1 + 6LL];  // f64 %4
    const double v11 = (v9 * v10);  // f64 %10
    const double v12 = (v8 + v11);  // f64 %10
    const double v13 = b6[8LL * i0 + 3LL];  // f64 %9
    const double v14 = b4[i1 + 9LL];  // f64 %4
    const double v15 = (v13 * v14);  // f64 %10
    const double v16 = (v12 + v15);  // f64 %10
    const double v17 = b6[8LL * i0 + 4LL];  // f64 %9
    const double v18 = b4[i1 + 12LL];  // f64 %4
    const double v19 = (v17 * v18);  // f64 %10
    const double v20 = (v16 + v19);  // f64 %10
    const double v21 = b6[8LL * i0 + 5LL];  // f64 %9
    const double v22 = b4[i1 + 15LL];  // f64 %4
    const double v23 = (v21 * v22);  // f64 %10
    const double v24 = (v20 + v23);  // f64 %10
    const double v25 = b6[8LL * i0 + 6LL];  // f64 %9
    const double v26 = b4[i1 + 18LL];  // f64 %4
    const double v27 = (v25 * v26);  // f64 %10
    const double v28 = (v24 + v27);  // f64 %10
    const double v29 = b6[8LL * i0 + 7LL];  // f64 %9
    const double v30 = b4[i1 + 21LL];  // f64 %4
    const double v31 = (v29 * v30);  // f64 %10
    const double v32 = (v28 + v31);  // f64 %10
    const double v33 = b5[i1];  // f64 %5
    const double v34 = (v32 + v33);  // f64 %12
    b7[e] = v34;
  }
}

extern "C" __global__ void k2(const double* __restrict__ x, double* __restrict__ y, long long d_N) {
  // k2 log_softmax[axis=1]  (<prelude>:32): a thread per row, in f64
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

extern "C" __global__ void k3(const double* __restrict__ b1, const double* __restrict__ b8, double* __restrict__ b9, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k3 loop [N] reduce sum over [3]  (<prelude>:32)
  __shared__ double mc_fold[256];
  const long long outer = d_N;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b1[3LL * i0 + j];  // f64 %1
      const double v1 = b8[3LL * i0 + j];  // f64 %13
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
        b9[o] = v3;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k4(const double* __restrict__ b9, double* __restrict__ b10, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k4 loop [] reduce mean over [N]  (<prelude>:32)
  __shared__ double mc_fold[256];
  const long long outer = 1LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b9[j];  // f64 %15
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
        const double v2 = (-v1);  // f64 %17
        b10[o] = v2;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k5(const double* __restrict__ b1, double* __restrict__ b11, long long d_N) {
  // k5 loop [N, 3]  (<prelude>:32)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = (-1.0);  // f64 %18
    const double v1 = (double) d_N;  // f64 %19
    const double v2 = (v0 / v1);  // f64 %20
    const double v3 = b1[e];  // f64 %1
    const double v4 = (v2 * v3);  // f64 %24
    b11[e] = v4;
  }
}

extern "C" __global__ void k6(const double* __restrict__ b11, double* __restrict__ b12, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k6 loop [N] reduce sum over [3]  (<prelude>:32)
  __shared__ double mc_fold[256];
  const long long outer = d_N;
  const long long inner = 3LL;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const double v0 = b11[3LL * i0 + j];  // f64 %24
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
        b12[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k7(const double* __restrict__ b11, const double* __restrict__ b8, const double* __restrict__ b12, double* __restrict__ b13, long long d_N) {
  // k7 loop [N, 3]  (<prelude>:32)
  const long long total = (3LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 3LL; rest_i /= 3LL;
    const long long i0 = rest_i;
    const double v0 = b11[3LL * i0 + i1];  // f64 %24
    const double v1 = b8[3LL * i0 + i1];  // f64 %13
    const double v2 = exp(v1);  // f64 %27
    const double v3 = b12[i0];  // f64 %25
    const double v4 = (v2 * v3);  // f64 %28
    const double v5 = (v0 - v4);  // f64 %29
    b13[e] = v5;
  }
}

extern "C" __global__ void k8(const double* __restrict__ b13, double* __restrict__ b14, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k8 loop [3] reduce sum over [N]  (mlp_tanh_ce.model:10)
  __shared__ double mc_fold[256];
  const long long outer = 3LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v0 = b13[i0 + 3LL * j0];  // f64 %29
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
        b14[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k9_x8(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k9 matmul %15 = %6^T @ %13  (mlp_tanh_ce.model:10), 128x128 tiles
  mc_matmul<double, 8, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k9_x4(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k9 matmul %15 = %6^T @ %13  (mlp_tanh_ce.model:10), 64x64 tiles
  mc_matmul<double, 4, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k9(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k9 matmul %15 = %6^T @ %13  (mlp_tanh_ce.model:10), 16x16 tiles
  mc_matmul<double, 1, true, false>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k9_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k9 as a reduction over k (split-k)
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

extern "C" __global__ void k9_splitk_few(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k9 as one pass over k for at most 8 results
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

extern "C" __global__ void k10(const double* __restrict__ b13, const double* __restrict__ b4, const double* __restrict__ b6, double* __restrict__ b16, long long d_N) {
  // k10 loop [N, 8]  (mlp_tanh_ce.model:9)
  const long long total = (8LL * d_N);
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    long long rest_i = e;
    const long long i1 = rest_i % 8LL; rest_i /= 8LL;
    const long long i0 = rest_i;
    const double v0 = 0.0;  // f64 %33
    const double v1 = b13[3LL * i0];  // f64 %29
    const double v2 = b4[3LL * i1];  // f64 %4
    const double v3 = (v1 * v2);  // f64 %33
    const double v4 = (v0 + v3);  // f64 %33
    const double v5 = b13[3LL * i0 + 1LL];  // f64 %29
    const double v6 = b4[3LL * i1 + 1LL];  // f64 %4
    const double v7 = (v5 * v6);  // f64 %33
    const double v8 = (v4 + v7);  // f64 %33
    const double v9 = b13[3LL * i0 + 2LL];  // f64 %29
    const double v10 = b4[3LL * i1 + 2LL];  // f64 %4
    const double v11 = (v9 * v10);  // f64 %33
    const double v12 = (v8 + v11);  // f64 %33
    const double v13 = 1.0;  // f64 %37
    const double v14 = b6[8LL * i0 + i1];  // f64 %9
    const double v15 = (v14 * v14);  // f64 %36
    const double v16 = (v13 - v15);  // f64 %38
    const double v17 = (v12 * v16);  // f64 %39
    b16[e] = v17;
  }
}

extern "C" __global__ void k11(const double* __restrict__ b16, double* __restrict__ b17, long long d_N, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k11 loop [8] reduce sum over [N]  (mlp_tanh_ce.model:9)
  __shared__ double mc_fold[256];
  const long long outer = 8LL;
  const long long inner = d_N;
  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {
    const long long i0 = o;
    double acc = 0.0;
    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += (long long) gridDim.x * blockDim.x) {
      const long long j0 = j;
      const double v0 = b16[i0 + 8LL * j0];  // f64 %39
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
        b17[o] = v1;
      }
    }
    __syncthreads();
  }
}

extern "C" __global__ void k12_x8(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k12 matmul %18 = %0^T @ %16  (mlp_tanh_ce.model:9), 128x128 tiles
  mc_matmul<double, 8, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k12_x4(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k12 matmul %18 = %0^T @ %16  (mlp_tanh_ce.model:9), 64x64 tiles
  mc_matmul<double, 4, true, false>(a, b, c, batch, n, k, m);
}
extern "C" __global__ void k12(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m) {
  // k12 matmul %18 = %0^T @ %16  (mlp_tanh_ce.model:9), 16x16 tiles
  mc_matmul<double, 1, true, false>(a, b, c, batch, n, k, m);
}

extern "C" __global__ void k12_splitk(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
  // k12 as a reduction over k (split-k)
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

extern "C" __global__ void k12_splitk_few(const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c, long long batch, long long n, long long k, long long m, double* __restrict__ partials, unsigned int* __restrict__ counters) {
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
