package dev.modelc.runtime;

/**
 * Whether this JVM runs modelc's matrix products and flat f32 loops on {@code jdk.incubator.vector}
 * lanes, and why not when it does not.
 *
 * <p>The JVM's flags decide: lanes need the incubator module in the boot layer (the JVM started
 * with {@code --add-modules jdk.incubator.vector}; the {@code modelc} launcher gives it for
 * {@code train} and {@code predict}), and {@code -Dmodelc.vector=false} turns them off. Without
 * lanes the same products and loops run as scalar Java, which C2 vectorizes where it can: the
 * matrix products give the same bits either way, the f32 loops of exp, log, log1p, sin, cos and
 * tanh agree within 1 ulp ({@code exec.LaneMath}, the same bits on every run). Lanes also need
 * fused multiply-add in hardware (HotSpot's {@code UseFMA}, on wherever the CPU has FMA: x86 since
 * Haswell and Zen, every 64-bit ARM): without it each lane's fma is {@code Math.fma}'s exact
 * software path, and a loop of exp over 2^20 values took 6.1 s on lanes against 7 ms scalar
 * (a review, {@code -XX:-UseFMA}). The answer is fixed when the class loads, as the module set,
 * the property and the JVM's flags are for a JVM's life.
 *
 * @param on     whether lanes are used
 * @param reason why, in words a user can act on
 */
public record Lanes(boolean on, String reason) {
    /** The incubator module the lanes are written against. */
    public static final String MODULE = "jdk.incubator.vector";
    /** The system property that turns lanes off when {@code false}. */
    public static final String PROPERTY = "modelc.vector";

    private static final Lanes CURRENT = of(ModuleLayer.boot().findModule(MODULE).isPresent(), System.getProperty(PROPERTY), hardwareFma());

    public Lanes {
        java.util.Objects.requireNonNull(reason, "reason == null");
    }

    /** This JVM's answer. */
    public static Lanes current() {
        return CURRENT;
    }

    /** The answer for a JVM that has the module or not and a {@code modelc.vector} property (null when unset), with hardware fma. */
    static Lanes of(boolean modulePresent, String property) {
        return of(modulePresent, property, true);
    }

    /** The answer for a JVM that has the module or not, a {@code modelc.vector} property (null when unset), and fma in hardware or not. */
    static Lanes of(boolean modulePresent, String property, boolean fma) {
        if ("false".equals(property)) {
            return new Lanes(false, "-D" + PROPERTY + "=false turns them off");
        }
        if (!modulePresent) {
            return new Lanes(false, "the JVM runs without " + MODULE + "; start it with --add-modules " + MODULE);
        }
        if (!fma) {
            return new Lanes(false, "this CPU (or the JVM's -XX:-UseFMA) has no fused multiply-add, which the lanes' code is built on");
        }
        return new Lanes(true, "the JVM has " + MODULE);
    }

    /**
     * HotSpot's {@code UseFMA} (about 30 ms to ask, once); true where the JVM does not say
     * (another JVM, or one without the {@code jdk.management} module).
     */
    private static boolean hardwareFma() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null || !"false".equals(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    /** {@code vector lanes: on (the JVM has jdk.incubator.vector)}, or off and why. */
    @Override
    public String toString() {
        return "vector lanes: " + (on ? "on" : "off") + " (" + reason + ")";
    }
}
