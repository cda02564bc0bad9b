package dev.modelc.compiler.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * PyTorch's training runs under AdamW, the schedules and gradient clipping,
 * {@code reference/torch-optim.json} in the compiler's test resources, written by
 * {@code scripts/torch-reference} with libtorch ({@code torch/}, {@code OptimReference}): the
 * seed's linear regression in f64 ({@code nn.Linear(3, 2)}, {@code nn.MSELoss}, 15 rows, one full
 * batch per epoch) trained from fixed params, per run the rate each epoch trained with, the loss
 * over all rows after each epoch, the total gradient norm before clipping (clipped runs) and the
 * final params; and the same run through modelc's {@link Trainer}, compared with it.
 */
public record TorchOptim(String source, Data data, List<Run> runs) {
    /**
     * Within 1e-9 of the largest magnitude of each compared array: in f64 modelc and libtorch
     * differ only in the order of roundings (libtorch's matmul and reductions block their sums,
     * its pow and cos are the C library's, cosine's rate is PyTorch's recursive form against
     * modelc's closed form), a few ulps per step, which eight steps leave near 1e-15; a wrong
     * decay, a missed clip or a rate one epoch late is off by 1e-6 or far more.
     */
    public static final double TOLERANCE = 1e-9;

    /** The rows and the params every run starts from, row-major. */
    public record Data(double[] x, double[] y, double[] w, double[] b) {
    }

    /**
     * One run: its train block's settings, and what PyTorch gave (totalNorm empty unless clipped).
     *
     * @param trainBlock the settings as a modelc train block writes them (epochs, batch, optimizer, schedule, clip_grad_norm)
     */
    public record Run(String name, int epochs, String trainBlock, Optional<TrainConfig.Schedule> schedule, OptionalDouble clipGradNorm,
                      double[] lr, double[] loss, double[] totalNorm, double[] w, double[] b) {
    }

    public static TorchOptim load() {
        try (InputStream in = TorchOptim.class.getResourceAsStream("/reference/torch-optim.json")) {
            if (in == null) throw new IllegalStateException("reference/torch-optim.json is not on the test class path");
            JsonNode root = new ObjectMapper().readTree(in);
            JsonNode d = root.get("data");
            Data data = new Data(numbers(d.get("x")), numbers(d.get("y")), numbers(d.get("w")), numbers(d.get("b")));
            List<Run> runs = new ArrayList<>();
            for (JsonNode r : root.get("runs")) runs.add(run(r, data));
            return new TorchOptim(root.get("source").asText(), data, List.copyOf(runs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Run run(JsonNode r, Data data) {
        int epochs = r.get("epochs").asInt();
        JsonNode o = r.get("optimizer");
        String optimizer = switch (o.get("kind").asText()) {
            case "adamw" -> "adamw(lr = " + number(o, "lr") + ", beta1 = " + number(o, "beta1") + ", beta2 = " + number(o, "beta2")
                    + ", eps = " + number(o, "eps") + ", weight_decay = " + number(o, "weight_decay") + ")";
            case "sgd" -> "sgd(lr = " + number(o, "lr") + ")";
            default -> throw new IllegalStateException("unknown optimizer " + o.get("kind"));
        };
        Optional<TrainConfig.Schedule> schedule = Optional.ofNullable(r.get("schedule")).map(TorchOptim::schedule);
        OptionalDouble clip = r.has("clip_grad_norm") ? OptionalDouble.of(r.get("clip_grad_norm").asDouble()) : OptionalDouble.empty();
        StringBuilder block = new StringBuilder("epochs = " + epochs + "; batch = " + data.y().length / 2 + "; optimizer = " + optimizer);
        schedule.ifPresent(s -> block.append("; schedule = ").append(s.spelling()));
        if (clip.isPresent()) block.append("; clip_grad_norm = ").append(number(r, "clip_grad_norm"));
        return new Run(r.get("name").asText(), epochs, block.toString(), schedule, clip, numbers(r.get("lr")), numbers(r.get("loss")),
                r.has("total_norm") ? numbers(r.get("total_norm")) : new double[0], numbers(r.get("w")), numbers(r.get("b")));
    }

    /** PyTorch's scheduler as modelc's schedule; LinearLR only as the language has it, rising to the optimizer's rate. */
    private static TrainConfig.Schedule schedule(JsonNode s) {
        return switch (s.get("kind").asText()) {
            case "step_lr" -> new TrainConfig.Schedule.StepLr(s.get("step_size").asLong(), s.get("gamma").asDouble());
            case "exponential" -> new TrainConfig.Schedule.Exponential(s.get("gamma").asDouble());
            case "cosine" -> new TrainConfig.Schedule.Cosine(s.get("t_max").asLong(), s.get("eta_min").asDouble());
            case "linear_warmup" -> {
                if (s.get("end_factor").asDouble() != 1) throw new IllegalStateException("linear_warmup rises to the rate: end_factor 1");
                yield new TrainConfig.Schedule.LinearWarmup(s.get("total_iters").asLong(), s.get("start_factor").asDouble());
            }
            default -> throw new IllegalStateException("unknown schedule " + s.get("kind"));
        };
    }

    /** A number as modelc source spells it exactly ({@code 1e-8}, {@code 0.999}). */
    private static String number(JsonNode n, String key) {
        return new BigDecimal(Double.toString(n.get(key).asDouble())).stripTrailingZeros().toString().replace("E", "e");
    }

    private static double[] numbers(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }

    /** The seed's linear regression in f64 with the run's train block. */
    public static String model(Run run) {
        return """
                model SeedLinreg {
                  input x: f64[N, 3]
                  input y: f64[N, 2]
                  param w: f64[2, 3] = zeros()
                  param b: f64[2] = zeros()
                  output preds = x @ w.T + b
                  loss = mean((preds - y) ** 2)
                  train { %s }
                }
                """.formatted(run.trainBlock());
    }

    /** The checked model of {@link #model}. */
    public static CheckedModel checked(Run run) {
        Compilation c = Compiler.compile(new SourceFile("seed_linreg.model", model(run)));
        if (c.hasErrors()) throw new IllegalStateException(c.render());
        return c.program().orElseThrow().models().getFirst();
    }

    /** The options {@code Model.fit} builds from a train block: its epochs, batch, optimizer, schedule and clipping. */
    public static Trainer.Options options(TrainConfig c) {
        return new Trainer.Options((int) c.epochs(), (int) c.batch().orElseThrow(), c.shuffle(), c.seed(), Optimizer.of(c), null)
                .scheduled(c.schedule().orElse(null)).clippingGradNorm(c.clipGradNorm());
    }

    /** The rows and initial params as modelc tensors. */
    public Map<String, Tensor> initialParams() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", Tensor.of(data.w(), 2, 3));
        params.put("b", Tensor.of(data.b(), 2));
        return params;
    }

    public TensorDataset rows() {
        int n = data.y().length / 2;
        return new TensorDataset(Map.of("x", Tensor.of(data.x(), n, 3), "y", Tensor.of(data.y(), n, 2)));
    }

    /**
     * Trains {@code model} (compiled from {@link #checked}) with {@code options} from the run's
     * initial params and compares the rate of each epoch, the loss after each and the final
     * params with PyTorch's; the differences past {@link #TOLERANCE}, each naming the run, the
     * value and the element (empty when everything matches).
     */
    public List<String> compare(Run run, CompiledModel model, Trainer.Options options) {
        List<Double> lrs = new ArrayList<>();
        Optimizer optimizer = options.optimizer();
        TrainingListener rates = new TrainingListener() {
            @Override
            public void epoch(int epoch, int epochs, double loss) {
                lrs.add(optimizer.lr()); // the rate the schedule set at the start of this epoch
            }
        };
        Trainer.Result r = Trainer.fit(model, initialParams(), rows(), options, rates, () -> false);
        List<String> failures = new ArrayList<>();
        if (!(r.ending() instanceof Trainer.Ending.Completed)) failures.add(run.name() + ": the run ended with " + r.ending());
        compare(failures, run.name() + " lr", lrs.stream().mapToDouble(Double::doubleValue).toArray(), run.lr());
        compare(failures, run.name() + " loss", r.epochLosses().stream().mapToDouble(Double::doubleValue).toArray(), run.loss());
        compare(failures, run.name() + " w", r.params().get("w").toDoubleArray(), run.w());
        compare(failures, run.name() + " b", r.params().get("b").toDoubleArray(), run.b());
        return failures;
    }

    /** Within {@link #TOLERANCE} times the largest magnitude of {@code expected}; the first element past it. */
    private static void compare(List<String> failures, String what, double[] actual, double[] expected) {
        if (actual.length != expected.length) {
            failures.add(what + ": " + actual.length + " values, PyTorch has " + expected.length);
            return;
        }
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= TOLERANCE * scale)) {
                failures.add(what + "[" + i + "] = " + actual[i] + ", PyTorch " + expected[i]);
                return;
            }
        }
    }
}
