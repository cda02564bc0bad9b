package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in optimizers' element updates in CUDA C, one kernel per optimizer and dtype, a thread
 * per element: what {@code Sgd.step} and {@code Adam.step} do to each element, operation for
 * operation. Every operation is computed in double and rounded to the param's type, as the host's
 * {@code s.r(a op b)} is (for f32, a float sum, product, quotient or square root computed in double
 * and rounded once is the float one), and the scalars come from the host already rounded
 * ({@link dev.modelc.runtime.optim.StepRule}), as bit patterns of doubles; with contraction off
 * ({@link DeviceCode#NVRTC_OPTIONS}) nothing is fused, so a step gives the host optimizer's bits.
 *
 * <p>Each kernel reads the param, its gradient and its state and writes the next param and state
 * to other buffers (the step is kept by swapping them, see {@link CudaTraining}), and sets the
 * param's word in {@code bad} when a next value is NaN or infinite.
 */
final class OptimizerKernels {
    private OptimizerKernels() {
    }

    /** SGD's flags: weight decay, momentum, a first step with momentum (the buffer starts as the gradient), Nesterov. */
    static final long SGD_DECAY = 1, SGD_MOMENTUM = 2, SGD_FIRST = 4, SGD_NESTEROV = 8;
    /** Adam's flags: L2 weight decay on the gradient (Adam), decoupled decay of the param (AdamW), the lerp's small-weight form. */
    static final long ADAM_L2 = 1, ADAM_DECOUPLED = 2, ADAM_SMALL = 4;

    private static final String COMMON = """
            // modelc: the optimizers' element updates (dev.modelc.runtime.optim: Sgd.step, Adam.step), each operation in
            // double rounded to the param's type, as the host's.
            __device__ __forceinline__ double mc_scalar(long long bits) { return __longlong_as_double(bits); }
            __device__ __forceinline__ bool mc_finite(double x) { return x - x == 0.0; }
            """;

    private static final String SGD = """
            extern "C" __global__ void mc_sgd_T(const T* __restrict__ p, const T* __restrict__ g, const T* __restrict__ buf,
                T* __restrict__ p_out, T* __restrict__ buf_out, int* __restrict__ bad, long long slot, long long n, long long flags,
                long long weight_decay_bits, long long momentum_bits, long long keep_bits, long long neg_lr_bits) {
              const double weight_decay = mc_scalar(weight_decay_bits), momentum = mc_scalar(momentum_bits);
              const double keep = mc_scalar(keep_bits), neg_lr = mc_scalar(neg_lr_bits);
              for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
                const double pi = p[i];
                double gi = g[i];
                if (flags & 1) gi = (T) (gi + (double) (T) (weight_decay * pi));
                if (flags & 2) {
                  const double b = (flags & 4) ? gi : (double) (T) ((double) (T) (buf[i] * momentum) + (double) (T) (keep * gi));
                  buf_out[i] = (T) b;
                  gi = (flags & 8) ? (double) (T) (gi + (double) (T) (momentum * b)) : b;
                }
                const T next = (T) (pi + (double) (T) (neg_lr * gi));
                p_out[i] = next;
                if (!mc_finite(next)) bad[slot] = 1;
              }
            }
            """;

    private static final String ADAM = """
            extern "C" __global__ void mc_adam_T(const T* __restrict__ p, const T* __restrict__ g, const T* __restrict__ m,
                const T* __restrict__ v, T* __restrict__ p_out, T* __restrict__ m_out, T* __restrict__ v_out, int* __restrict__ bad,
                long long slot, long long n, long long flags, long long decay_bits, long long weight_decay_bits, long long w_bits,
                long long one_minus_w_bits, long long beta2_bits, long long one_minus_beta2_bits, long long bc2_sqrt_bits,
                long long eps_bits, long long neg_step_bits) {
              const double decay = mc_scalar(decay_bits), weight_decay = mc_scalar(weight_decay_bits), w = mc_scalar(w_bits);
              const double one_minus_w = mc_scalar(one_minus_w_bits), beta2 = mc_scalar(beta2_bits);
              const double one_minus_beta2 = mc_scalar(one_minus_beta2_bits), bc2_sqrt = mc_scalar(bc2_sqrt_bits);
              const double eps = mc_scalar(eps_bits), neg_step = mc_scalar(neg_step_bits);
              for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
                double pi = p[i];
                double gi = g[i];
                if (flags & 2) pi = (T) (pi * decay);
                else if (flags & 1) gi = (T) (gi + (double) (T) (weight_decay * pi));
                const double mi = m[i], diff = (T) (gi - mi);
                const double mn = (flags & 4) ? (double) (T) (mi + (double) (T) (w * diff)) : (double) (T) (gi - (double) (T) (diff * one_minus_w));
                double vn = (T) (v[i] * beta2);
                vn = (T) (vn + (double) (T) ((double) (T) (one_minus_beta2 * gi) * gi));
                const double denom = (T) ((double) (T) ((double) (T) sqrt(vn) / bc2_sqrt) + eps);
                const T next = (T) (pi + (double) (T) ((double) (T) (neg_step * mn) / denom));
                m_out[i] = (T) mn;
                v_out[i] = (T) vn;
                p_out[i] = next;
                if (!mc_finite(next)) bad[slot] = 1;
              }
            }
            """;

    /** The kernels, for f32 ({@code _f32}, float) and f64 ({@code _f64}, double). */
    static final DeviceCode CODE = code();

    private static DeviceCode code() {
        StringBuilder src = new StringBuilder(COMMON);
        List<DeviceKernel> kernels = new ArrayList<>();
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            String type = t == DType.F32 ? "float" : "double";
            // T, a word of its own, is the element type.
            src.append(SGD.replace("mc_sgd_T", sgd(t)).replaceAll("\\bT\\b", type));
            src.append(ADAM.replace("mc_adam_T", adam(t)).replaceAll("\\bT\\b", type));
            kernels.add(new DeviceKernel.Elementwise(sgd(t)));
            kernels.add(new DeviceKernel.Elementwise(adam(t)));
        }
        return new DeviceCode("modelc.optimizers", src.toString(), kernels);
    }

    static String sgd(DType t) {
        return "mc_sgd_" + t.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String adam(DType t) {
        return "mc_adam_" + t.name().toLowerCase(java.util.Locale.ROOT);
    }
}
