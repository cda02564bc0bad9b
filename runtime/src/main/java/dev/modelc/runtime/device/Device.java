package dev.modelc.runtime.device;

/**
 * Where a generated class runs its plans: on the JVM (the default) or on an accelerator whose
 * runtime module is on the class path, as in {@code new CropYieldManual(Device.cuda(0))}.
 */
public sealed interface Device {
    /** The JVM's heap and threads. */
    record Jvm() implements Device {
    }

    /** Device number {@code ordinal} of the {@link DeviceRuntime} named {@code backend}. */
    record Accelerator(String backend, int ordinal) implements Device {
        public Accelerator {
            if (ordinal < 0) throw new IllegalArgumentException("device " + ordinal + ": device numbers start at 0");
        }

        /**
         * A session on this device.
         *
         * @throws DeviceUnavailableException when its module is not on the class path or it cannot run here
         */
        public DeviceSession open() {
            return DeviceRuntime.open(backend, ordinal);
        }
    }

    static Device jvm() {
        return new Jvm();
    }

    /** GPU number {@code ordinal} through {@code modelc-cuda}. */
    static Device cuda(int ordinal) {
        return new Accelerator("cuda", ordinal);
    }
}
