package dev.modelc.runtime.device;

import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;

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
}
