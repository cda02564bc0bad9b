package dev.modelc.cuda;

import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceSession;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.HashMap;
import java.util.Map;

/**
 * One model on one GPU: each plan's CUDA C compiled by NVRTC (or read from the
 * {@link KernelCache}) and loaded once, and run by the runtime's {@link PlanRunner} on a
 * {@link CudaTarget}: temporaries in device slots allocated once per set of sizes, as the JVM
 * backends' slots are, params and data kept on the device between calls and shared by the
 * model's entry points.
 */
final class CudaSession implements DeviceSession {
    private final Device device;
    /** The tensors on the device, shared by the entry points (an update step's params are the next loss's). */
    private final Map<String, CudaTarget.Resident> resident = new HashMap<>();

    /**
     * Whether the optimizer's training steps small enough run as one kernel ({@link StepKernel}):
     * yes unless the system property {@code modelc.cuda.stepKernel} is {@code off}, which keeps
     * a launch per kernel (to compare the two on a GPU).
     */
    private final boolean oneKernelSteps;

    CudaSession(Device device) {
        this(device, !"off".equals(System.getProperty("modelc.cuda.stepKernel")));
    }

    CudaSession(Device device, boolean oneKernelSteps) {
        this.device = device;
        this.oneKernelSteps = oneKernelSteps;
    }

    @Override
    public String describe() {
        return device.describe();
    }

    @Override
    public synchronized PlanRunner runner(Plan plan, DeviceCode code) {
        if (code.kernels().size() != plan.steps().size()) {
            throw new IllegalArgumentException(code.name() + ": " + code.kernels().size() + " device kernels for "
                    + plan.steps().size() + " plan steps");
        }
        device.bind();
        return new PlanRunner(plan, new CudaTarget(device, plan, code, device.load(code), resident, oneKernelSteps));
    }
}
