package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.backend.bytecode.KernelOrder;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import dev.modelc.runtime.device.LaunchGeometry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kernel plan rendered as one CUDA C translation unit for NVRTC: the scalar prelude, then an
 * {@code extern "C" __global__} function per loop, matmul and library call that runs on the GPU,
 * and how to launch each. Pure text: it needs no GPU and no CUDA library, so it is tested on any
 * machine against golden files.
 *
 * @param symbols the plan's symbolic sizes, which every loop kernel takes, in this order, after its buffers
 */
public record CudaProgram(String name, String source, List<CudaKernel> kernels, List<String> symbols) {
    /**
     * Options every compilation uses. Contraction is off so that {@code a * b + c} rounds twice,
     * as the interpreter does: fused multiply-adds would change the last bits of f32 results.
     */
    public static final List<String> NVRTC_OPTIONS = DeviceCode.NVRTC_OPTIONS;

    public CudaProgram {
        kernels = List.copyOf(kernels);
        symbols = List.copyOf(symbols);
    }

    /** The plan as CUDA C. */
    public static CudaProgram of(KernelPlan plan) {
        CudaSizes sizes = new CudaSizes(plan.symbols());
        StringBuilder src = new StringBuilder();
        src.append("// modelc: ").append(CommentText.of(plan.name())).append(", generated from its kernel plan (modelc compile --emit kernels)\n");
        src.append(prelude());
        List<CudaKernel> kernels = new ArrayList<>();
        for (Kernel k : plan.kernels()) {
            switch (k) {
                case Kernel.Loop l -> {
                    List<Integer> buffers = KernelOrder.of(l);
                    src.append('\n').append(CudaLoop.render(l.name(), l, plan, sizes, buffers));
                    kernels.add(l.reduction().isPresent() ? new CudaKernel.Reduction(l.name(), l, buffers)
                            : new CudaKernel.Elementwise(l.name(), l, buffers));
                }
                // Device plans are scheduled without them (Scheduler.schedule(name, graph, false)).
                case Kernel.Reductions r -> throw new IllegalArgumentException(
                        "plan " + plan.name() + " folds several reductions in one pass (" + r.name() + "), which CUDA C does not render");
                case Kernel.MatMul m -> {
                    String split = m.name() + "_splitk";
                    src.append('\n').append(CudaMatMul.render(m.name(), m));
                    src.append('\n').append(CudaMatMul.renderSplitK(split, m));
                    src.append('\n').append(CudaMatMul.renderFewOutputs(LaunchGeometry.fewOutputsFunction(split), m));
                    kernels.add(new CudaKernel.MatMul(m.name(), split, m));
                }
                case Kernel.Call c -> {
                    // A thread per row, else per output element, else per output element with index checks, else the host.
                    Optional<String> code;
                    if ((code = CudaLibrary.render(c.name(), c, plan, sizes)).isPresent()) {
                        kernels.add(new CudaKernel.Library(c.name(), c));
                    } else if ((code = CudaLibrary.renderPerOutput(c.name(), c, plan, sizes)).isPresent()) {
                        kernels.add(new CudaKernel.PerOutput(c.name(), c));
                    } else if ((code = CudaLibrary.renderChecked(c.name(), c, plan, sizes)).isPresent()) {
                        kernels.add(new CudaKernel.Checked(c.name(), c));
                    } else {
                        kernels.add(new CudaKernel.Host(c));
                    }
                    src.append('\n').append(code.orElse("// " + c.name() + ": " + c.op().label() + " runs on the host\n"));
                }
            }
        }
        return new CudaProgram(plan.name(), src.toString(), kernels, plan.symbols());
    }

    /**
     * The library calls that run on the host under {@code --backend cuda} (operands copied down,
     * the result copied up): what {@code modelc compile --emit kernels} marks.
     */
    public List<Kernel.Call> hostCalls() {
        return kernels.stream().filter(k -> k instanceof CudaKernel.Host).map(k -> (Kernel.Call) k.kernel()).toList();
    }

    /** The scalar functions, the matmul tiles and Philox, which every program starts with (after its first comment line): generated classes hold it once. */
    public static String prelude() {
        return CudaScalars.PRELUDE + CudaMatMul.TILED + CudaPhilox.PRELUDE;
    }

    /** The program as the runtime carries and a device runtime loads it: the source and a kernel per plan step. */
    public DeviceCode deviceCode() {
        return new DeviceCode(name, source, kernels.stream().map(k -> switch (k) {
            case CudaKernel.Elementwise e -> (DeviceKernel) new DeviceKernel.Elementwise(e.function());
            case CudaKernel.Reduction r -> new DeviceKernel.Reduction(r.function());
            case CudaKernel.MatMul m -> new DeviceKernel.MatMul(m.function(), m.splitFunction());
            case CudaKernel.Library l -> new DeviceKernel.Library(l.function(), l.axis());
            case CudaKernel.PerOutput p -> new DeviceKernel.PerOutput(p.function());
            case CudaKernel.Checked c -> new DeviceKernel.Checked(c.function());
            case CudaKernel.Host h -> new DeviceKernel.Host();
        }).toList());
    }

    /** The C type of a buffer element: bools are bytes (0 or 1). */
    static String cType(DType t) {
        return switch (t) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case BOOL -> "unsigned char";
        };
    }
}
