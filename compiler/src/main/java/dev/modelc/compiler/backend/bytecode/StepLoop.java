package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.kernel.KernelPlan;
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
 * kernel ever reads a param it is overwriting), except where the update kernel may write the
 * param itself ({@link InPlaceUpdates}: a plain SGD rule, {@code w - lr * grad(loss, w)}). What the seed's 100 epochs of gradient descent
 * cost when the per-step work is a few fused loops.
 */
public final class StepLoop {
    private final Plan plan;
    private final PlanRunner.Bound bound;
    private final List<int[]> copies = new ArrayList<>();     // {update result buffer, length}
    /** Index-aligned with {@link #copies}: the array holding the param the rule updates. */
    private final List<Object> targets = new ArrayList<>();
    /** Index-aligned with {@link #copies}: whether the update kernel writes into the param itself ({@link InPlaceUpdates}), so nothing is copied. */
    private final List<Boolean> inPlace = new ArrayList<>();
    /**
     * For a rule whose new value is another param's current one ({@code update b = a}): that
     * value, saved before any param is overwritten (index-aligned with {@link #copies}, else null).
     */
    private final List<Object> staged = new ArrayList<>();
    private final Map<String, Integer> paramBuffers = new LinkedHashMap<>();
    /**
     * The params the update plan never reads (in no expression, or with a gradient of zero by
     * construction, so that their rule folded to a constant or to the param itself): copies held
     * here, written by their rule's result after each step, returned as they are otherwise.
     */
    private final Map<String, Tensor> unread = new LinkedHashMap<>();
    private final int lossBuffer;

    StepLoop(PlanRunner runner, KernelPlan kernels, Map<String, Tensor> params, Map<String, Tensor> batch) {
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
                Integer param = paramBuffers.get(r.name());
                Object target = param != null ? bound.storage(param) : unreadParam(r.name(), params).storage();
                copies.add(new int[] {r.buffer(), java.lang.reflect.Array.getLength(target)});
                targets.add(target);
                boolean external = plan.buffer(r.buffer()).isExternal();
                staged.add(external ? copy(target) : null);
                boolean direct = param != null && !external && InPlaceUpdates.fits(kernels, r.buffer(), param);
                if (direct) bound.rebindTemporary(r.buffer(), target);
                inPlace.add(direct);
            }
        }
        for (Map.Entry<String, Tensor> p : params.entrySet()) {
            if (!paramBuffers.containsKey(p.getKey())) unreadParam(p.getKey(), params);
        }
        this.lossBuffer = loss;
    }

    /** The loop's own copy of a param its plan does not read. */
    private Tensor unreadParam(String name, Map<String, Tensor> params) {
        return unread.computeIfAbsent(name, n -> {
            Tensor given = params.get(n);
            if (given == null) throw new IllegalArgumentException("no value for param '" + n + "'");
            return Shapes.result(given.dtype(), given.shape(), copy(given.storage()));
        });
    }

    /** Runs {@code steps} steps; returns the loss before the last one. */
    public double run(int steps) {
        // The arrays the copies read and write, looked up once: the binding's storage does not
        // change while steps run, and the seed's step is short enough for lookups to show.
        int n = copies.size();
        Object[] from = new Object[n], to = new Object[n], results = new Object[n];
        int[] length = new int[n];
        boolean anyStaged = false;
        boolean[] direct = new boolean[n];
        for (int i = 0; i < n; i++) {
            direct[i] = inPlace.get(i);
            int[] c = copies.get(i);
            results[i] = bound.storage(c[0]);
            from[i] = staged.get(i) != null ? staged.get(i) : results[i];
            to[i] = targets.get(i);
            length[i] = c[1];
            anyStaged |= staged.get(i) != null;
        }
        for (int s = 0; s < steps; s++) {
            bound.run(0);
            if (anyStaged) {
                for (int i = 0; i < n; i++) if (from[i] != results[i]) System.arraycopy(results[i], 0, from[i], 0, length[i]);
            }
            for (int i = 0; i < n; i++) if (!direct[i]) System.arraycopy(from[i], 0, to[i], 0, length[i]);
        }
        return lossBuffer < 0 ? Double.NaN : java.lang.reflect.Array.getDouble(bound.storage(lossBuffer), 0);
    }

    /** The params now, by path (copies). */
    public Map<String, Tensor> params() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        paramBuffers.forEach((name, id) -> out.put(name, Shapes.result(plan.buffer(id).dtype(), bound.shape(id), bound.storage(id))));
        unread.forEach((name, t) -> out.put(name, Shapes.result(t.dtype(), t.shape(), t.storage())));
        return out;
    }

    private static Object copy(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        Object out = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, out, 0, n);
        return out;
    }
}
