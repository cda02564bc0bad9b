package dev.modelc.compiler.backend.cuda;

import dev.modelc.runtime.DType;

/**
 * The step's uniform draws on the GPU ({@code rand_like}, and {@code bernoulli} and
 * {@code dropout} through uniforms): Philox 4x32-10 as {@code runtime.Philox} computes it, in
 * 32-bit unsigned integer arithmetic, so each element's block, and the uniform made exactly of
 * its top bits, are the JVM's bits. A thread per element, which needs no state: element
 * {@code o}'s block is the counter (o's low word, o's high word, the draw site, 0) under the step
 * key the runtime passes after the symbols. Normal draws stay on the host: their Box-Muller uses
 * fdlibm's log and cos ({@code StrictMath}), which CUDA's math library does not reproduce bit for
 * bit.
 */
final class CudaPhilox {
    /** The block function, in every program's prelude. */
    static final String PRELUDE = """
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
            """;

    private CudaPhilox() {
    }

    /**
     * The body of a per-output kernel drawing element {@code o} of site {@code site} uniform on
     * [0, 1): for f32 the top 24 bits of word 0 times 2^-24, for f64 the top 53 bits of words 0 and 1
     * times 2^-53 (both exact), as {@code Philox.uniform24} and {@code uniform53}.
     */
    static String uniform(int site, DType out) {
        String value = out == DType.F32
                ? "(float) (w[0] >> 8) * 0x1p-24f"
                : "(double) ((((unsigned long long) w[0] << 32) | w[1]) >> 11) * 0x1p-53";
        return """
                    unsigned int w[4] = {(unsigned int) o, (unsigned int) ((unsigned long long) o >> 32), (unsigned int) (%d), 0u};
                    mc_philox(w, (unsigned int) key, (unsigned int) ((unsigned long long) key >> 32));
                    y[o] = %s;
                """.formatted(site, value);
    }
}
