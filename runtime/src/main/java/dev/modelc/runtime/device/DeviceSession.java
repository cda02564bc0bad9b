package dev.modelc.runtime.device;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.Map;
import java.util.Optional;

/**
 * One model's use of one device: the runners of its entry points share what they keep on the
 * device (params and data uploaded once, an update step's params kept for the next step), so a
 * model opens one session and asks it for a runner per entry point.
 */
public interface DeviceSession {
    /** {@code NVIDIA H200 (device 0, sm_90, 132 multiprocessors)}. */
    String describe();

    /** A runner of {@code plan} on this device, its steps launched as {@code code} says; the code is compiled and loaded once. */
    PlanRunner runner(Plan plan, DeviceCode code);

    /**
     * Training steps with {@code optimizer} run on this device, the loss and gradients by
     * {@code gradients} (a runner of this session's, of a loss-and-gradients plan), from
     * {@code params} (every param, in the model's order); empty when this device leaves that
     * optimizer's steps to the host. Steps made earlier by this session are closed first.
     */
    default Optional<ResidentTraining> training(PlanRunner gradients, Optimizer optimizer, Map<String, Tensor> params) {
        return Optional.empty();
    }
}
