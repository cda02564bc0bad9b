// ===== HessianElementwise.forward =====
// modelc: HessianElementwise.forward, generated from its kernel plan (modelc compile --emit kernels)
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

extern "C" __global__ void k0(const double* __restrict__ b0, double* __restrict__ b1) {
  // k0 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = 3.0;  // f64 %1
    const double v2 = mc_pow(v0, v1);  // f64 %2
    b1[e] = v2;
  }
}

extern "C" __global__ void k1(const double* __restrict__ b0, double* __restrict__ b2) {
  // k1 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = sin(v0);  // f64 %3
    b2[e] = v1;
  }
}

extern "C" __global__ void k2(const double* __restrict__ b0, double* __restrict__ b3) {
  // k2 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b0[e];  // f64 %0
    const double v1 = cos(v0);  // f64 %4
    b3[e] = v1;
  }
}

extern "C" __global__ void k3(const double* __restrict__ b0, double* __restrict__ b4) {
  // k3 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 3.0;  // f64 %1
    const double v1 = b0[e];  // f64 %0
    const double v2 = (v1 * v1);  // f64 %8
    const double v3 = (v0 * v2);  // f64 %9
    b4[e] = v3;
  }
}

extern "C" __global__ void k4(const double* __restrict__ b2, unsigned char* __restrict__ b5) {
  // k4 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = b2[e];  // f64 %3
    const double v1 = 0.0;  // f64 %5
    const double v2 = mc_to_bool((v0 == v1 ? 1.0 : 0.0));  // bool %10
    b5[e] = (unsigned char) (v2 != 0);
  }
}

extern "C" __global__ void k5(const double* __restrict__ b0, double* __restrict__ b7) {
  // k5 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 2.0;  // f64 %7
    const double v1 = b0[e];  // f64 %0
    const double v2 = (v0 * v1);  // f64 %16
    b7[e] = v2;
  }
}

extern "C" __global__ void k6(const unsigned char* __restrict__ b5, const double* __restrict__ b6, const double* __restrict__ b2, const double* __restrict__ b7, const double* __restrict__ b1, const double* __restrict__ b4, const double* __restrict__ b3, double* __restrict__ b8) {
  // k6 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.0;  // bool %6
    const double v1 = 0.0;  // f64 %5
    const double v2 = (b5[e] ? 1.0 : 0.0);  // bool %10
    const double v3 = b6[e];  // f64 %11
    const double v4 = v2 != 0 ? v1 : v3;  // f64 %12
    const double v5 = b2[e];  // f64 %3
    const double v6 = (v4 * v5);  // f64 %14
    const double v7 = 3.0;  // f64 %1
    const double v8 = (v6 * v7);  // f64 %15
    const double v9 = mc_to_bool((v8 == v1 ? 1.0 : 0.0));  // bool %17
    const double v10 = b7[e];  // f64 %16
    const double v11 = (v8 * v10);  // f64 %18
    const double v12 = v9 != 0 ? v1 : v11;  // f64 %19
    const double v13 = v0 != 0 ? v1 : v12;  // f64 %20
    const double v14 = b1[e];  // f64 %2
    const double v15 = (v3 * v14);  // f64 %22
    const double v16 = (v15 * v5);  // f64 %23
    const double v17 = (v13 - v16);  // f64 %24
    const double v18 = b4[e];  // f64 %9
    const double v19 = (v4 * v18);  // f64 %13
    const double v20 = b3[e];  // f64 %4
    const double v21 = (v19 * v20);  // f64 %25
    const double v22 = (v17 + v21);  // f64 %26
    const double v23 = (v3 * v20);  // f64 %21
    const double v24 = mc_to_bool((v23 == v1 ? 1.0 : 0.0));  // bool %27
    const double v25 = (v23 * v18);  // f64 %28
    const double v26 = v24 != 0 ? v1 : v25;  // f64 %29
    const double v27 = v0 != 0 ? v1 : v26;  // f64 %30
    const double v28 = (v22 + v27);  // f64 %31
    b8[e] = v28;
  }
}

extern "C" __global__ void k7(const unsigned char* __restrict__ b5, const double* __restrict__ b9, const double* __restrict__ b2, const double* __restrict__ b7, const double* __restrict__ b1, const double* __restrict__ b4, const double* __restrict__ b3, double* __restrict__ b10) {
  // k7 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.0;  // bool %6
    const double v1 = 0.0;  // f64 %5
    const double v2 = (b5[e] ? 1.0 : 0.0);  // bool %10
    const double v3 = b9[e];  // f64 %32
    const double v4 = v2 != 0 ? v1 : v3;  // f64 %33
    const double v5 = b2[e];  // f64 %3
    const double v6 = (v4 * v5);  // f64 %35
    const double v7 = 3.0;  // f64 %1
    const double v8 = (v6 * v7);  // f64 %36
    const double v9 = mc_to_bool((v8 == v1 ? 1.0 : 0.0));  // bool %37
    const double v10 = b7[e];  // f64 %16
    const double v11 = (v8 * v10);  // f64 %38
    const double v12 = v9 != 0 ? v1 : v11;  // f64 %39
    const double v13 = v0 != 0 ? v1 : v12;  // f64 %40
    const double v14 = b1[e];  // f64 %2
    const double v15 = (v3 * v14);  // f64 %42
    const double v16 = (v15 * v5);  // f64 %43
    const double v17 = (v13 - v16);  // f64 %44
    const double v18 = b4[e];  // f64 %9
    const double v19 = (v4 * v18);  // f64 %34
    const double v20 = b3[e];  // f64 %4
    const double v21 = (v19 * v20);  // f64 %45
    const double v22 = (v17 + v21);  // f64 %46
    const double v23 = (v3 * v20);  // f64 %41
    const double v24 = mc_to_bool((v23 == v1 ? 1.0 : 0.0));  // bool %47
    const double v25 = (v23 * v18);  // f64 %48
    const double v26 = v24 != 0 ? v1 : v25;  // f64 %49
    const double v27 = v0 != 0 ? v1 : v26;  // f64 %50
    const double v28 = (v22 + v27);  // f64 %51
    b10[e] = v28;
  }
}

extern "C" __global__ void k8(const unsigned char* __restrict__ b5, const double* __restrict__ b11, const double* __restrict__ b2, const double* __restrict__ b7, const double* __restrict__ b1, const double* __restrict__ b4, const double* __restrict__ b3, double* __restrict__ b12) {
  // k8 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.0;  // bool %6
    const double v1 = 0.0;  // f64 %5
    const double v2 = (b5[e] ? 1.0 : 0.0);  // bool %10
    const double v3 = b11[e];  // f64 %52
    const double v4 = v2 != 0 ? v1 : v3;  // f64 %53
    const double v5 = b2[e];  // f64 %3
    const double v6 = (v4 * v5);  // f64 %55
    const double v7 = 3.0;  // f64 %1
    const double v8 = (v6 * v7);  // f64 %56
    const double v9 = mc_to_bool((v8 == v1 ? 1.0 : 0.0));  // bool %57
    const double v10 = b7[e];  // f64 %16
    const double v11 = (v8 * v10);  // f64 %58
    const double v12 = v9 != 0 ? v1 : v11;  // f64 %59
    const double v13 = v0 != 0 ? v1 : v12;  // f64 %60
    const double v14 = b1[e];  // f64 %2
    const double v15 = (v3 * v14);  // f64 %62
    const double v16 = (v15 * v5);  // f64 %63
    const double v17 = (v13 - v16);  // f64 %64
    const double v18 = b4[e];  // f64 %9
    const double v19 = (v4 * v18);  // f64 %54
    const double v20 = b3[e];  // f64 %4
    const double v21 = (v19 * v20);  // f64 %65
    const double v22 = (v17 + v21);  // f64 %66
    const double v23 = (v3 * v20);  // f64 %61
    const double v24 = mc_to_bool((v23 == v1 ? 1.0 : 0.0));  // bool %67
    const double v25 = (v23 * v18);  // f64 %68
    const double v26 = v24 != 0 ? v1 : v25;  // f64 %69
    const double v27 = v0 != 0 ? v1 : v26;  // f64 %70
    const double v28 = (v22 + v27);  // f64 %71
    b12[e] = v28;
  }
}

extern "C" __global__ void k9(const unsigned char* __restrict__ b5, const double* __restrict__ b13, const double* __restrict__ b2, const double* __restrict__ b7, const double* __restrict__ b1, const double* __restrict__ b4, const double* __restrict__ b3, double* __restrict__ b14) {
  // k9 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.0;  // bool %6
    const double v1 = 0.0;  // f64 %5
    const double v2 = (b5[e] ? 1.0 : 0.0);  // bool %10
    const double v3 = b13[e];  // f64 %72
    const double v4 = v2 != 0 ? v1 : v3;  // f64 %73
    const double v5 = b2[e];  // f64 %3
    const double v6 = (v4 * v5);  // f64 %75
    const double v7 = 3.0;  // f64 %1
    const double v8 = (v6 * v7);  // f64 %76
    const double v9 = mc_to_bool((v8 == v1 ? 1.0 : 0.0));  // bool %77
    const double v10 = b7[e];  // f64 %16
    const double v11 = (v8 * v10);  // f64 %78
    const double v12 = v9 != 0 ? v1 : v11;  // f64 %79
    const double v13 = v0 != 0 ? v1 : v12;  // f64 %80
    const double v14 = b1[e];  // f64 %2
    const double v15 = (v3 * v14);  // f64 %82
    const double v16 = (v15 * v5);  // f64 %83
    const double v17 = (v13 - v16);  // f64 %84
    const double v18 = b4[e];  // f64 %9
    const double v19 = (v4 * v18);  // f64 %74
    const double v20 = b3[e];  // f64 %4
    const double v21 = (v19 * v20);  // f64 %85
    const double v22 = (v17 + v21);  // f64 %86
    const double v23 = (v3 * v20);  // f64 %81
    const double v24 = mc_to_bool((v23 == v1 ? 1.0 : 0.0));  // bool %87
    const double v25 = (v23 * v18);  // f64 %88
    const double v26 = v24 != 0 ? v1 : v25;  // f64 %89
    const double v27 = v0 != 0 ? v1 : v26;  // f64 %90
    const double v28 = (v22 + v27);  // f64 %91
    b14[e] = v28;
  }
}

extern "C" __global__ void k10(const unsigned char* __restrict__ b5, const double* __restrict__ b15, const double* __restrict__ b2, const double* __restrict__ b7, const double* __restrict__ b1, const double* __restrict__ b4, const double* __restrict__ b3, double* __restrict__ b16) {
  // k10 loop [5]  (hessian_elementwise.model:4)
  const long long total = 5LL;
  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long) gridDim.x * blockDim.x) {
    const double v0 = 0.0;  // bool %6
    const double v1 = 0.0;  // f64 %5
    const double v2 = (b5[e] ? 1.0 : 0.0);  // bool %10
    const double v3 = b15[e];  // f64 %92
    const double v4 = v2 != 0 ? v1 : v3;  // f64 %93
    const double v5 = b2[e];  // f64 %3
    const double v6 = (v4 * v5);  // f64 %95
    const double v7 = 3.0;  // f64 %1
    const double v8 = (v6 * v7);  // f64 %96
    const double v9 = mc_to_bool((v8 == v1 ? 1.0 : 0.0));  // bool %97
    const double v10 = b7[e];  // f64 %16
    const double v11 = (v8 * v10);  // f64 %98
    const double v12 = v9 != 0 ? v1 : v11;  // f64 %99
    const double v13 = v0 != 0 ? v1 : v12;  // f64 %100
    const double v14 = b1[e];  // f64 %2
    const double v15 = (v3 * v14);  // f64 %102
    const double v16 = (v15 * v5);  // f64 %103
    const double v17 = (v13 - v16);  // f64 %104
    const double v18 = b4[e];  // f64 %9
    const double v19 = (v4 * v18);  // f64 %94
    const double v20 = b3[e];  // f64 %4
    const double v21 = (v19 * v20);  // f64 %105
    const double v22 = (v17 + v21);  // f64 %106
    const double v23 = (v3 * v20);  // f64 %101
    const double v24 = mc_to_bool((v23 == v1 ? 1.0 : 0.0));  // bool %107
    const double v25 = (v23 * v18);  // f64 %108
    const double v26 = v24 != 0 ? v1 : v25;  // f64 %109
    const double v27 = v0 != 0 ? v1 : v26;  // f64 %110
    const double v28 = (v22 + v27);  // f64 %111
    b16[e] = v28;
  }
}

// k11: concat[axis=0] runs on the host
