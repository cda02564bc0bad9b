package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.PlanLowering;
import dev.modelc.compiler.backend.StagedModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.device.DeviceSession;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checked model on a device ({@code --backend cuda}): each entry point's kernel plan lowered
 * and rendered as CUDA C ({@link CudaProgram}) here, and handed as runtime data (a plan and its
 * {@link dev.modelc.runtime.device.DeviceCode}) to the {@link DeviceSession} of the device
 * runtime that {@code modelc-cuda} registers, which compiles, loads and runs it.
 */
public final class DeviceModel extends StagedModel {
    private final DeviceSession session;
    private final Map<EntryPoint, Executable> executables = new EnumMap<>(EntryPoint.class);

    public DeviceModel(CheckedModel model, DType floating, DeviceSession session) {
        super(model, floating);
        this.session = session;
    }

    /** An entry point's program and its runner. */
    private record Executable(CudaProgram program, PlanRunner runner) {
    }

    /** The CUDA C of an entry point, as run (for reports and {@code modelc compile --emit cuda}). */
    public String source(EntryPoint e) {
        return executable(e).program.source();
    }

    private synchronized Executable executable(EntryPoint e) {
        return executables.computeIfAbsent(e, k -> {
            KernelPlan plan = plan(k);
            CudaProgram program = CudaProgram.of(plan);
            return new Executable(program, session.runner(PlanLowering.lower(plan), program.deviceCode()));
        });
    }

    private KernelPlan plan(EntryPoint e) {
        return Scheduler.schedule(name() + "." + e.methodName(), graph(e), false);
    }

    /** The CUDA C of every entry point the model has, without compiling any (for tests that compile them together). */
    public List<CudaProgram> programs() {
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

    /**
     * The optimizer's steps on the device, after the loss-and-gradients program, when its target
     * runs them ({@link dev.modelc.runtime.plan.Target#training}); a model with states steps on the host.
     */
    @Override
    public Optional<ResidentTraining> residentTraining(Optimizer optimizer, Map<String, Tensor> params) {
        if (!hasLoss() || !buffers().isEmpty()) return Optional.empty();
        PlanRunner gradients = executable(EntryPoint.GRADIENTS).runner();
        return gradients.target().training(gradients, optimizer, params);
    }

    @Override
    protected synchronized List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed) {
        return executable(e).runner().run(values, seed);
    }
}
