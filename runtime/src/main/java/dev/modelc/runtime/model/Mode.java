package dev.modelc.runtime.model;

/**
 * Which of a model's two programs runs: the language's built-in {@code training} is true in the
 * training step ({@code train}, {@code Trainer}, {@code step}, {@code fit}) and false everywhere
 * else ({@code forward}, {@code predict}, {@code eval}), as PyTorch's {@code model.train()} and
 * {@code model.eval()} switch a module.
 */
public enum Mode {
    /** {@code training} is true and the states' {@code update} rules run. */
    TRAINING,
    /** {@code training} is false and the states are read, never written. */
    EVALUATION;

    /** {@code train} or {@code eval}, as the commands and PyTorch say it. */
    public String spelling() {
        return this == TRAINING ? "train" : "eval";
    }
}
