package dev.modelc.compiler.backend.bytecode;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Shapes;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Full-batch training with a model's own update rules, with nothing allocated per step: the
 * update plan is bound once to the batch and to copies of the params it owns, and after each
 * step the new values are copied over the old (the update kernels wrote them to slots, so no
 * kernel ever reads a param it is overwriting). What the seed's 100 epochs of gradient descent
 * cost when the per-step work is a few fused loops.
 */
public final class StepLoop {
    private final Plan plan;
    private final PlanRunner.Bound bound;
    private final List<int[]> copies = new ArrayList<>();     // {update result buffer, param buffer, length}
    /**
     * For a rule whose new value is another param's current one ({@code update b = a}): that
     * value, saved before any param is overwritten (index-aligned with {@link #copies}, else null).
     */
    private final List<Object> staged = new ArrayList<>();
    private final Map<String, Integer> paramBuffers = new LinkedHashMap<>();
    private final int lossBuffer;

    StepLoop(PlanRunner runner, Map<String, Tensor> params, Map<String, Tensor> batch) {
        this.plan = runner.plan();
        Map<String, Tensor> values = new java.util.HashMap<>(batch);
        values.putAll(params);
        this.bound = runner.bind(values, true);
        int loss = -1;
        for (Plan.Buffer b : plan.external()) {
            if (b.kind() != Plan.Kind.PARAM) continue;
            bound.rebind(b.id(), copy(bound.storage(b.id())));
            paramBuffers.put(b.name(), b.id());
        }
        for (Plan.Result r : plan.results()) {
            if (r.role() == Plan.Role.LOSS) {
                loss = r.buffer();
            } else {
                int param = paramBuffers.get(r.name());
                copies.add(new int[] {r.buffer(), param, java.lang.reflect.Array.getLength(bound.storage(param))});
                staged.add(plan.buffer(r.buffer()).isExternal() ? copy(bound.storage(param)) : null);
            }
        }
        this.lossBuffer = loss;
    }

    /** Runs {@code steps} steps; returns the loss before the last one. */
    public double run(int steps) {
        for (int s = 0; s < steps; s++) {
            bound.run(0);
            for (int i = 0; i < copies.size(); i++) {
                int[] c = copies.get(i);
                if (staged.get(i) != null) System.arraycopy(bound.storage(c[0]), 0, staged.get(i), 0, c[2]);
            }
            for (int i = 0; i < copies.size(); i++) {
                int[] c = copies.get(i);
                Object from = staged.get(i) != null ? staged.get(i) : bound.storage(c[0]);
                System.arraycopy(from, 0, bound.storage(c[1]), 0, c[2]);
            }
        }
        return lossBuffer < 0 ? Double.NaN : java.lang.reflect.Array.getDouble(bound.storage(lossBuffer), 0);
    }

    /** The params now, by path (copies). */
    public Map<String, Tensor> params() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        paramBuffers.forEach((name, id) -> out.put(name, Shapes.result(plan.buffer(id).dtype(), bound.shape(id), bound.storage(id))));
        return out;
    }

    private static Object copy(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        Object out = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, out, 0, n);
        return out;
    }
}
