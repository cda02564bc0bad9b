package dev.modelc.cli;

import dev.modelc.runtime.train.TrainingListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code modelc train} shows while it runs: on a terminal, a progress bar over all batches
 * with the epoch and its loss; elsewhere (a pipe, a file, CI), {@code Epoch [k/E], Loss: v} lines
 * as the PyTorch tutorial prints them, for every epoch when there are at most 20, else for every
 * {@code ceil(E/10)}-th epoch and the last.
 */
abstract sealed class TrainProgress implements TrainingListener, AutoCloseable {
    /** The last completed epoch and its loss. */
    int lastEpoch;
    double lastLoss = Double.NaN;
    int epochs;
    /** Batches done in the epoch under way (0 at an epoch's end). */
    int batchesInEpoch;
    int batchesPerEpoch;
    /** The epoch and batch (1-based) of the last batch done, 0 before the first. */
    int currentEpoch;
    int currentBatch;
    /** The last checkpoint written and the epoch it holds, or null. */
    java.nio.file.Path saved;
    int savedEpoch;
    /** When the epoch under way started, and how long the last one took (nanoseconds). */
    private long epochStart;
    long lastEpochNanos;
    /** What {@code --val} measures after each epoch, or null. */
    private Validation validation;
    /** The last epoch's {@code --val} results ({@code "val loss 0.4123, val accuracy 0.8123"}), or null. */
    String lastValidation;
    /** Where {@code --save-best} keeps the best epoch's params, or null. */
    private BestParams best;
    /** The learning rate of each epoch (1-based, as the lines count them) when a schedule changes it, or null. */
    private java.util.function.IntToDoubleFunction learningRate;

    /** Plain lines to {@code out}, every {@code every} epochs (null: the default spacing). */
    static TrainProgress lines(PrintWriter out, Integer every) {
        return new Lines(out, every);
    }

    /** A progress bar on {@code terminal} (stderr); the final epoch line goes to {@code out}. */
    static TrainProgress bar(PrintWriter out, PrintStream terminal, String task) {
        return new Bar(out, terminal, task);
    }

    /** Whether this process writes to a terminal a person watches (not a pipe, not CI, not a dumb terminal). */
    static boolean interactive() {
        var console = System.console();
        if (console == null || !console.isTerminal()) return false;
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false")) return false;
        return !"dumb".equals(System.getenv("TERM"));
    }

    /** Measures {@code v} after each epoch, shown on the epoch's line. */
    TrainProgress validating(Validation v) {
        validation = v;
        return this;
    }

    /** Keeps the params of the epoch with the best {@code --val} loss in {@code b}. */
    TrainProgress savingBest(BestParams b) {
        best = b;
        return this;
    }

    /** Shows each epoch's learning rate, {@code lr} of its 1-based number, on its line (when a schedule changes it). */
    TrainProgress showingLearningRate(java.util.function.IntToDoubleFunction lr) {
        learningRate = lr;
        return this;
    }

    /** A learning rate to four significant digits, no trailing zeros: {@code 0.1}, {@code 0.0009755}, {@code 2.5e-5}. */
    static String rate(double lr) {
        if (lr == 0 || !Double.isFinite(lr)) return TrainCommand.number(lr);
        BigDecimal d = new BigDecimal(lr).round(new java.math.MathContext(4, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return Math.abs(lr) >= 1e-4 ? d.toPlainString() : TrainCommand.number(d.doubleValue());
    }

    /** The line for an epoch: {@code Epoch [10/100], Loss: 1234.5678}. */
    static String epochLine(int epoch, int epochs, double loss) {
        return "Epoch [" + epoch + "/" + epochs + "], Loss: " + fixed4(loss);
    }

    /**
     * The line for the last epoch, with the learning rate it trained with (when a schedule sets
     * it), its {@code --val} results and its wall time (training, checkpoint and evaluation):
     * {@code Epoch [3/5], Loss: 0.5000, lr 0.0025, val loss 0.6000, val accuracy 0.8000 (12.31 s)}.
     */
    String lastEpochLine() {
        return epochLine(lastEpoch, epochs, lastLoss) + (learningRate == null ? "" : ", lr " + rate(learningRate.applyAsDouble(lastEpoch)))
                + (lastValidation == null ? "" : ", " + lastValidation) + " (" + elapsed(lastEpochNanos) + ")";
    }

    /** A wall time to three significant figures or so: {@code 412 µs}, {@code 12.3 ms}, {@code 52.80 s}, {@code 2 min 3 s}. */
    static String elapsed(long nanos) {
        if (nanos < 1_000_000) return String.format(java.util.Locale.ROOT, "%d µs", Math.round(nanos / 1e3));
        if (nanos < 1_000_000_000) return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
        return TrainCommand.duration(java.time.Duration.ofNanos(nanos));
    }

    @Override
    public void epochParams(int epoch, java.util.Map<String, dev.modelc.runtime.Tensor> params) {
        if (validation == null) return;
        Validation.Measured v = validation.measure(params);
        lastValidation = v.text();
        if (best != null) best.offer(epoch, v.loss(), params);
    }

    /** Python's {@code "{:.4f}".format(v)}: the exact binary value rounded half-even; nan and inf as Python spells them. */
    static String fixed4(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String digits = new BigDecimal(Math.abs(v)).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
        return (Double.doubleToRawLongBits(v) < 0 ? "-" : "") + digits;
    }

    @Override
    public void started(int epochs, int batchesPerEpoch) {
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
        epochStart = System.nanoTime();
    }

    @Override
    public void batch(int epoch, int batch, double loss) {
        batchesInEpoch = batch;
        currentEpoch = epoch;
        currentBatch = batch;
    }

    @Override
    public void saved(java.nio.file.Path checkpoint) {
        // Written at an epoch's end, before its loss is evaluated (and on a stop, after which nothing runs).
        saved = checkpoint;
        savedEpoch = currentEpoch;
    }

    /** What the run was doing after the last event: {@code "epoch 3, batch 2"} or {@code "evaluating the loss after epoch 3"}. */
    String where() {
        if (currentEpoch == 0) return "on the first batch";
        if (currentBatch == batchesPerEpoch && lastEpoch != currentEpoch) return "evaluating the loss after epoch " + currentEpoch;
        if (currentBatch == batchesPerEpoch) return "epoch " + (currentEpoch + 1) + ", batch 1";
        return "epoch " + currentEpoch + ", batch " + (currentBatch + 1);
    }

    @Override
    public void epoch(int epoch, int epochs, double loss) {
        lastEpoch = epoch;
        lastLoss = loss;
        batchesInEpoch = 0;
        long now = System.nanoTime();
        lastEpochNanos = now - epochStart;
        epochStart = now;
    }

    /** Ends the display; after a stop, {@code stopped} is true. Prints the last epoch's line if it is not shown yet. */
    abstract void finish(boolean stopped);

    @Override
    public void close() {
    }

    private static final class Lines extends TrainProgress {
        private final PrintWriter out;
        private final Integer every;
        private int printed;

        Lines(PrintWriter out, Integer every) {
            this.out = out;
            this.every = every;
        }

        private boolean shown(int epoch) {
            if (epoch == epochs) return true;
            if (every != null) return epoch % every == 0;
            return epochs <= 20 || epoch % ((epochs + 9) / 10) == 0;
        }

        @Override
        public void epoch(int epoch, int epochs, double loss) {
            super.epoch(epoch, epochs, loss);
            if (shown(epoch)) print();
        }

        private void print() {
            out.println(lastEpochLine());
            out.flush();
            printed = lastEpoch;
        }

        @Override
        void finish(boolean stopped) {
            if (lastEpoch > 0 && printed != lastEpoch) print();
        }
    }

    private static final class Bar extends TrainProgress {
        private final PrintWriter out;
        private final PrintStream terminal;
        private final String task;
        private ProgressBar bar;
        /** The last epoch whose line is printed. */
        private int printed;

        Bar(PrintWriter out, PrintStream terminal, String task) {
            this.out = out;
            this.terminal = terminal;
            this.task = task;
        }

        @Override
        public void started(int epochs, int batchesPerEpoch) {
            super.started(epochs, batchesPerEpoch);
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax((long) epochs * batchesPerEpoch)
                    .setStyle(ProgressBarStyle.ASCII)
                    // counts batches (smooth within an epoch) but shows epochs, to fit 80 columns
                    .setUnit(" epochs", Math.max(1, batchesPerEpoch))
                    .setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(terminal))
                    .build();
            bar.setExtraMessage("");
        }

        @Override
        public void batch(int epoch, int batch, double loss) {
            super.batch(epoch, batch, loss);
            bar.stepTo((long) (epoch - 1) * batchesPerEpoch + batch); // a run resumed inside an epoch starts part way
        }

        @Override
        public void epoch(int epoch, int epochs, double loss) {
            super.epoch(epoch, epochs, loss);
            bar.setExtraMessage("loss " + fixed4(loss));
            // Each finished epoch keeps a line of its own above the bar (as Keras and tqdm.write
            // do): the bar's line is cleared, the epoch's line printed, and the bar redraws below.
            terminal.print("\r\033[2K");
            terminal.flush();
            out.println(lastEpochLine());
            out.flush();
            printed = epoch;
        }

        @Override
        void finish(boolean stopped) {
            close();
            if (lastEpoch > 0 && printed != lastEpoch) {
                out.println(lastEpochLine());
                out.flush();
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
