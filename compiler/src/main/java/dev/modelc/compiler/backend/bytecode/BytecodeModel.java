package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.PlanLowering;
import dev.modelc.compiler.backend.StagedModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.plan.JvmTarget;
import dev.modelc.runtime.plan.PlanRunner;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model compiled to JVM bytecode: each entry point is scheduled into a kernel plan,
 * each fused loop becomes a hidden class written with {@code java.lang.classfile} (no javac),
 * and the runtime's {@link PlanRunner} runs the plan (lowered by {@link PlanLowering}) with them on
 * a {@link JvmTarget}. Kernels are compiled on an entry point's first use.
 */
public final class BytecodeModel extends StagedModel {
    private final Map<EntryPoint, Compiled> compiled = new EnumMap<>(EntryPoint.class);

    /** An entry point's kernel plan and its runner. */
    private record Compiled(KernelPlan plan, PlanRunner runner) {
    }

    public BytecodeModel(CheckedModel model, DType floating) {
        super(model, floating);
    }

    public BytecodeModel(CheckedModel model) {
        this(model, null);
    }

    /** The plan of an entry point, as run. */
    public KernelPlan plan(EntryPoint e) {
        return compiled(e).plan();
    }

    private synchronized Compiled compiled(EntryPoint e) {
        return compiled.computeIfAbsent(e, k -> {
            KernelPlan plan = Scheduler.schedule(name() + "." + k.methodName(), graph(k));
            return new Compiled(plan, compile(plan));
        });
    }

    private PlanRunner runner(EntryPoint e) {
        return compiled(e).runner();
    }

    /**
     * A training loop with the model's update rules on one batch (full-batch gradient descent),
     * allocating nothing per step; {@code params} are copied, not changed.
     */
    public StepLoop stepLoop(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasUpdateRules()) throw new IllegalStateException("model " + name() + " has no update rules");
        return new StepLoop(runner(EntryPoint.UPDATE), plan(EntryPoint.UPDATE), params, batch);
    }

    /**
     * An entry point bound to tensors with slots of its own, to run repeatedly without
     * allocating (benchmarks, serving the same batch shape); results stay in its buffers.
     */
    public PlanRunner.Bound bind(EntryPoint e, Map<String, Tensor> values) {
        return runner(e).bind(values, true);
    }

    @Override
    protected List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed) {
        return runner(e).run(values, seed);
    }

    /** Loads the plan's loops as hidden classes beside this one, with vector lanes where this JVM has them. */
    public static PlanRunner compile(KernelPlan plan) {
        return compile(plan, VectorLanes.available());
    }

    /** As {@link #compile(KernelPlan)}, choosing whether flat f32 loops may use vector lanes. */
    public static PlanRunner compile(KernelPlan plan, boolean vector) {
        // Lowered first: a constant index limit past an int is refused before any class is written.
        var lowered = PlanLowering.lower(plan);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        List<RangeKernel> loops = new ArrayList<>();
        for (Kernel k : plan.kernels()) {
            // Loops and row reductions are numbered together, in plan order (PlanLowering).
            if (!(k instanceof Kernel.Loop || k instanceof Kernel.Reductions)) continue;
            ClassDesc name = ClassDesc.of(BytecodeModel.class.getPackageName() + ".Kernel_" + sanitize(plan.name()) + "_" + k.name());
            byte[] bytes = switch (k) {
                case Kernel.Loop l -> LoopCompiler.compile(name, l, plan, vector);
                case Kernel.Reductions r -> LoopCompiler.compile(name, r, plan);
                default -> throw new IllegalStateException(k.name());
            };
            try {
                Class<?> c = lookup.defineHiddenClass(bytes, true).lookupClass();
                loops.add((RangeKernel) c.getConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError ex) {
                throw new IllegalStateException("kernel " + k.name() + " of " + plan.name() + " did not load: " + ex, ex);
            }
        }
        return new PlanRunner(lowered, JvmTarget.of(loops));
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9_]", "_");
    }
}
