package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.exec.Convolution;

/**
 * A convolution or one of its adjoints ({@link Convolution}) as a CUDA C kernel: a thread per
 * element of the result, each one f64 sum over the same terms in the same order as the runtime's
 * reference loops ({@code Convolution.reference}), rounded once to the result's dtype; compiled
 * with {@code --fmad=false}, it gives their bits. A conv1d runs as a conv2d of height 1.
 */
final class CudaConv {
    private CudaConv() {
    }

    static String render(String function, Kernel.Call c, KernelPlan plan, CudaSizes sizes, Convolution conv) {
        Shape a = c.inputShapes().get(0), b = c.inputShapes().get(1), out = c.outShape();
        Shape x, w, y;
        switch (conv.kind()) {
            case FORWARD -> { x = a; w = b; y = out; }
            case INPUT_GRAD -> { y = a; w = b; x = out; }
            case WEIGHT_GRAD -> { x = a; y = b; w = out; }
            default -> throw new IllegalStateException();
        }
        boolean one = conv.spatial() == 1;
        int last = one ? 0 : 1;
        String in = CudaProgram.cType(plan.buffer(c.inputs().getFirst()).dtype());
        String res = CudaProgram.cType(plan.buffer(c.out()).dtype());
        StringBuilder params = new StringBuilder("const " + in + "* __restrict__ a, const " + in + "* __restrict__ b, "
                + res + "* __restrict__ y");
        for (String d : sizes.parameters()) params.append(", long long ").append(d);
        String where = c.span() == null ? "" : "  (" + CommentText.of(c.span().source().name()) + ":" + c.span().line() + ")";
        String geometry = """
                  const long long N = %s, C = %s, O = %s, H = %s, W = %s, KH = %s, KW = %s, OH = %s, OW = %s;
                  const long long SH = %d, SW = %d, PH = %d, PW = %d, DH = %d, DW = %d, CG = C / %d, OG = O / %d;
                """.formatted(sizes.dim(x.dim(0)), sizes.dim(x.dim(1)), sizes.dim(w.dim(0)), one ? "1LL" : sizes.dim(x.dim(2)),
                sizes.dim(x.dim(2 + last)), one ? "1LL" : sizes.dim(w.dim(2)), sizes.dim(w.dim(2 + last)),
                one ? "1LL" : sizes.dim(y.dim(2)), sizes.dim(y.dim(2 + last)), one ? 1 : conv.stride().get(0), conv.stride().get(last),
                one ? 0 : conv.padding().get(0), conv.padding().get(last), one ? 1 : conv.dilation().get(0), conv.dilation().get(last),
                conv.groups(), conv.groups());
        String body = switch (conv.kind()) {
            case FORWARD -> forward();
            case INPUT_GRAD -> inputGrad();
            case WEIGHT_GRAD -> weightGrad();
        };
        return """
                extern "C" __global__ void %s(%s) {
                  // %s %s%s: a thread per result element, in f64
                %s%s}
                """.formatted(function, params, c.name(), c.op().label(), where, geometry, body.replace("ROUND", "(" + res + ")"));
    }

    private static final String LOOP = """
              for (long long r = (long long) blockIdx.x * blockDim.x + threadIdx.x; r < TOTAL; r += (long long) gridDim.x * blockDim.x) {
            """;

    private static String forward() {
        return LOOP.replace("TOTAL", "N * O * OH * OW") + """
                    const long long j = r % OW, i = (r / OW) % OH, o = (r / (OW * OH)) % O, n = r / (OW * OH * O);
                    const long long c0 = (o / OG) * CG;
                    double s = 0.0;
                    for (long long c = 0; c < CG; c++) {
                      for (long long kh = 0; kh < KH; kh++) {
                        const long long ih = i * SH + kh * DH - PH;
                        if (ih < 0 || ih >= H) continue;
                        for (long long kw = 0; kw < KW; kw++) {
                          const long long iw = j * SW + kw * DW - PW;
                          if (iw < 0 || iw >= W) continue;
                          s = s + (double) a[((n * C + c0 + c) * H + ih) * W + iw] * (double) b[((o * CG + c) * KH + kh) * KW + kw];
                        }
                      }
                    }
                    y[r] = ROUND s;
                  }
                """;
    }

    private static String inputGrad() {
        return LOOP.replace("TOTAL", "N * C * H * W") + """
                    const long long iw = r % W, ih = (r / W) % H, ci = (r / (W * H)) % C, n = r / (W * H * C);
                    const long long o0 = (ci / CG) * OG, c = ci % CG;
                    double s = 0.0;
                    for (long long o = o0; o < o0 + OG; o++) {
                      for (long long kh = 0; kh < KH; kh++) {
                        const long long th = ih + PH - kh * DH;
                        if (th < 0 || th % SH != 0 || th / SH >= OH) continue;
                        const long long i = th / SH;
                        for (long long kw = 0; kw < KW; kw++) {
                          const long long tw = iw + PW - kw * DW;
                          if (tw < 0 || tw % SW != 0 || tw / SW >= OW) continue;
                          s = s + (double) a[((n * O + o) * OH + i) * OW + tw / SW] * (double) b[((o * CG + c) * KH + kh) * KW + kw];
                        }
                      }
                    }
                    y[r] = ROUND s;
                  }
                """;
    }

    private static String weightGrad() {
        return LOOP.replace("TOTAL", "O * CG * KH * KW") + """
                    const long long kw = r % KW, kh = (r / KW) % KH, c = (r / (KW * KH)) % CG, o = r / (KW * KH * CG);
                    const long long c0 = (o / OG) * CG;
                    double s = 0.0;
                    for (long long n = 0; n < N; n++) {
                      for (long long i = 0; i < OH; i++) {
                        const long long ih = i * SH + kh * DH - PH;
                        if (ih < 0 || ih >= H) continue;
                        for (long long j = 0; j < OW; j++) {
                          const long long iw = j * SW + kw * DW - PW;
                          if (iw < 0 || iw >= W) continue;
                          s = s + (double) b[((n * O + o) * OH + i) * OW + j] * (double) a[((n * C + c0 + c) * H + ih) * W + iw];
                        }
                      }
                    }
                    y[r] = ROUND s;
                  }
                """;
    }
}
