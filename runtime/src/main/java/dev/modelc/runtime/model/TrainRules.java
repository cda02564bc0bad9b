package dev.modelc.runtime.model;

/**
 * The values each training setting admits, in one place: the {@code train} block (checked by the
 * compiler) and the command line's options ({@code modelc train --lr}, {@code --seed}, ...) both
 * ask these rules, so a value the block refuses the command line refuses too.
 */
public final class TrainRules {
    /** Rows per batch: a positive integer. */
    public static final Range BATCH = Range.integer("batch", 1);
    /** Passes over the data: a positive integer. */
    public static final Range EPOCHS = Range.integer("epochs", 1);
    /** The seed of initializers and shuffling: a non-negative integer. */
    public static final Range SEED = Range.integer("seed", 0);
    /** The learning rate of sgd and adam: positive and finite (0 would train nothing). */
    public static final Range LR = Range.real("lr", 0, false, Double.POSITIVE_INFINITY);
    /** sgd's momentum: at least 0. */
    public static final Range MOMENTUM = Range.real("momentum", 0, true, Double.POSITIVE_INFINITY);
    /** L2 weight decay of sgd and adam: at least 0. */
    public static final Range WEIGHT_DECAY = Range.real("weight_decay", 0, true, Double.POSITIVE_INFINITY);
    /** adam's first-moment decay: in [0, 1). */
    public static final Range BETA1 = Range.real("beta1", 0, true, 1);
    /** adam's second-moment decay: in [0, 1). */
    public static final Range BETA2 = Range.real("beta2", 0, true, 1);
    /** adam's denominator term: positive. */
    public static final Range EPS = Range.real("eps", 0, false, Double.POSITIVE_INFINITY);
    /** step_lr's period in epochs: a positive integer. */
    public static final Range STEP_SIZE = Range.integer("step_size", 1);
    /** The factor of step_lr and exponential: positive. */
    public static final Range GAMMA = Range.real("gamma", 0, false, Double.POSITIVE_INFINITY);
    /** cosine's half period in epochs: a positive integer. */
    public static final Range T_MAX = Range.integer("t_max", 1);
    /** cosine's lowest rate: at least 0. */
    public static final Range ETA_MIN = Range.real("eta_min", 0, true, Double.POSITIVE_INFINITY);
    /** linear_warmup's length in epochs: a positive integer. */
    public static final Range WARMUP_EPOCHS = Range.integer("epochs", 1);
    /** linear_warmup's first factor: in (0, 1], as LinearLR's start_factor. */
    public static final Range START_FACTOR = new Range("start_factor", false, 0, false, 1, true);
    /** The largest total gradient norm: positive. */
    public static final Range CLIP_GRAD_NORM = Range.real("clip_grad_norm", 0, false, Double.POSITIVE_INFINITY);

    private TrainRules() {
    }

    /**
     * A setting's allowed values: finite numbers from {@code lo} (included when {@code loInclusive})
     * up to {@code hi} (included when {@code hiInclusive}), whole numbers only when {@code integer}.
     */
    public record Range(String name, boolean integer, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        static Range integer(String name, long min) {
            return new Range(name, true, min, true, Double.POSITIVE_INFINITY, false);
        }

        static Range real(String name, double lo, boolean loInclusive, double hi) {
            return new Range(name, false, lo, loInclusive, hi, false);
        }

        /** Whether {@code v} is allowed. */
        public boolean admits(double v) {
            if (!Double.isFinite(v) || integer && v != Math.rint(v)) return false;
            return (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
        }

        /** What is allowed, to follow "must be": {@code a positive integer}, {@code > 0}, {@code >= 0 and < 1}. */
        public String requirement() {
            if (integer) return lo == 1 ? "a positive integer" : lo == 0 ? "a non-negative integer" : "an integer >= " + text(lo);
            return (loInclusive ? ">= " : "> ") + text(lo)
                    + (hi < Double.POSITIVE_INFINITY ? " and " + (hiInclusive ? "<= " : "< ") + text(hi) : "");
        }

        private static String text(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
