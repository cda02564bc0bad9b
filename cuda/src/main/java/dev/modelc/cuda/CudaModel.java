package dev.modelc.cuda;

import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.PlanLowering;
import dev.modelc.compiler.backend.StagedModel;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model on one GPU: each entry point's kernel plan rendered as CUDA C
 * ({@link CudaProgram}), compiled by NVRTC (or read from the {@link KernelCache}), loaded once,
 * and run by the runtime's {@link PlanRunner} on a {@link CudaTarget}: temporaries in device
 * slots allocated once per set of sizes, as the JVM backends' slots are, params and data kept
 * on the device between calls.
 */
final class CudaModel extends StagedModel {
    private final Device device;
    private final Map<EntryPoint, Executable> executables = new EnumMap<>(EntryPoint.class);
    /** The tensors on the device, shared by the entry points (an update step's params are the next loss's). */
    private final Map<String, CudaTarget.Resident> resident = new HashMap<>();

    CudaModel(CheckedModel model, DType floating, Device device) {
        super(model, floating);
        this.device = device;
    }

    /** An entry point's program and its runner. */
    private record Executable(CudaProgram program, PlanRunner runner) {
    }

    /** The CUDA C of an entry point, as run (for reports and {@code modelc compile --emit cuda}). */
    String source(EntryPoint e) {
        return executable(e).program.source();
    }

    private synchronized Executable executable(EntryPoint e) {
        return executables.computeIfAbsent(e, k -> {
            KernelPlan plan = plan(k);
            CudaProgram program = CudaProgram.of(plan);
            var lowered = PlanLowering.lower(plan);
            device.bind();
            return new Executable(program, new PlanRunner(lowered, new CudaTarget(device, lowered, program, device.load(program), resident)));
        });
    }

    private KernelPlan plan(EntryPoint e) {
        return Scheduler.schedule(name() + "." + e.methodName(), graph(e));
    }

    /** The CUDA C of every entry point the model has, without compiling any (for tests that compile them together). */
    List<CudaProgram> programs() {
        List<CudaProgram> out = new ArrayList<>();
        for (EntryPoint e : EntryPoint.values()) {
            boolean has = switch (e) {
                case INIT -> true;
                case FORWARD -> !outputs().isEmpty();
                case LOSS, GRADIENTS -> hasLoss();
                case UPDATE -> hasUpdateRules();
            };
            if (has) out.add(CudaProgram.of(plan(e)));
        }
        return out;
    }

    @Override
    protected synchronized List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed) {
        Executable x = executable(e);
        device.bind();
        return x.runner().run(values, seed);
    }
}
