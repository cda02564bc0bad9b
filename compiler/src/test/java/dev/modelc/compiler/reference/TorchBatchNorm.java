package dev.modelc.compiler.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's batch norm, {@code reference/torch-batch-norm.json} in the compiler's test resources,
 * written by {@code scripts/torch-reference} with libtorch ({@code torch/},
 * {@code BatchNormReference}): per layer, training steps (output, gradients of
 * {@code sum(wout * y)} for the input, weight and bias, the running statistics after the step)
 * and one evaluation step, in f64; and the check of a compiled model against them.
 */
public record TorchBatchNorm(String source, List<Case> cases) {
    /**
     * Within 1e-9 relative to the value (absolute below 1): the f64 results differ from libtorch's
     * only by the order of roundings (libtorch sums a channel in one pass with its own blocking),
     * a few ulps, far below this; a wrong statistic (biased for unbiased: n / (n - 1) = 1.25 here)
     * or a missed step is off by percents.
     */
    public static final double TOLERANCE = 1e-9;

    /** One layer: its shape, weight, bias, steps in order, then the evaluation. */
    public record Case(String name, String layer, int features, int[] shape, double[] weight, double[] bias,
                       List<Step> steps, Step eval) {
    }

    /** One call: the inputs and what PyTorch gave; the running statistics are null for the evaluation. */
    public record Step(double[] x, double[] wout, double[] y, double[] gradX, double[] gradWeight, double[] gradBias,
                       double[] runningMean, double[] runningVar) {
    }

    public static TorchBatchNorm load() {
        try (InputStream in = TorchBatchNorm.class.getResourceAsStream("/reference/torch-batch-norm.json")) {
            if (in == null) throw new IllegalStateException("reference/torch-batch-norm.json is not on the test class path");
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                List<Step> steps = new ArrayList<>();
                for (JsonNode s : c.get("steps")) steps.add(step(s));
                int[] shape = new int[c.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = c.get("shape").get(i).asInt();
                cases.add(new Case(c.get("name").asText(), c.get("layer").asText(), c.get("features").asInt(), shape,
                        numbers(c.get("weight")), numbers(c.get("bias")), List.copyOf(steps), step(c.get("eval"))));
            }
            return new TorchBatchNorm(root.get("source").asText(), List.copyOf(cases));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Step step(JsonNode s) {
        return new Step(numbers(s.get("x")), numbers(s.get("wout")), numbers(s.get("y")), numbers(s.get("grad_x")),
                numbers(s.get("grad_weight")), numbers(s.get("grad_bias")),
                s.has("running_mean") ? numbers(s.get("running_mean")) : null, s.has("running_var") ? numbers(s.get("running_var")) : null);
    }

    private static double[] numbers(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }

    /**
     * The model of a case: the prelude's layer on {@code x}, its output, the gradient of the
     * weighted sum for {@code x} as an output, and that sum as the loss (whose gradients are the
     * weight's and the bias's). Declared f32 as the prelude's params are; run with f64 throughout.
     */
    public static String model(Case c) {
        String type = switch (c.shape().length) {
            case 2 -> "f32[N, " + c.features() + "]";
            case 3 -> "f32[N, " + c.features() + ", L]"; // BatchNorm1d on a sequence per channel
            default -> "f32[N, " + c.features() + ", H, W]";
        };
        return """
                model BN {
                  input x: %s
                  input wout: %s
                  bn = %s(%d)
                  output y = bn(x)
                  s = sum(wout * y)
                  output grad_x = grad(s, x)
                  loss = s
                }
                """.formatted(type, type, c.layer(), c.features());
    }

    /** The checked model of {@link #model}. */
    public static CheckedModel checked(Case c) {
        return Compiler.compile(new SourceFile("bn.model", model(c))).program().orElseThrow().models().getFirst();
    }

    /**
     * Runs the case's steps on {@code model} (compiled with f64 throughout), each training step in
     * training mode with the states the previous one left, then the evaluation in evaluation mode;
     * the differences past {@link #TOLERANCE}, each naming the step, the value and the element
     * (empty when everything matches).
     */
    public static List<String> compare(Case c, CompiledModel model) {
        List<String> failures = new ArrayList<>();
        Map<String, Tensor> params = new LinkedHashMap<>();
        int f = c.features();
        params.put("bn.weight", Tensor.of(c.weight(), f));
        params.put("bn.bias", Tensor.of(c.bias(), f));
        params.put("bn.running_mean", Tensor.zeros(DType.F64, f));
        params.put("bn.running_var", Tensor.ones(DType.F64, f));
        for (int k = 0; k <= c.steps().size(); k++) {
            boolean training = k < c.steps().size();
            Step s = training ? c.steps().get(k) : c.eval();
            String at = c.name() + (training ? " training step " + (k + 1) : " evaluation");
            CompiledModel m = model.inMode(training ? Mode.TRAINING : Mode.EVALUATION);
            Map<String, Tensor> inputs = Map.of("x", Tensor.of(s.x(), c.shape()), "wout", Tensor.of(s.wout(), c.shape()));
            Map<String, Tensor> out = m.forward(params, inputs);
            CompiledModel.Gradients g = m.lossAndGradients(params, inputs);
            compare(failures, at + " y", out.get("y"), s.y());
            compare(failures, at + " grad_x", out.get("grad_x"), s.gradX());
            compare(failures, at + " grad_weight", g.gradients().get("bn.weight"), s.gradWeight());
            compare(failures, at + " grad_bias", g.gradients().get("bn.bias"), s.gradBias());
            if (training) {
                compare(failures, at + " running_mean", g.states().get("bn.running_mean"), s.runningMean());
                compare(failures, at + " running_var", g.states().get("bn.running_var"), s.runningVar());
                params.putAll(g.states());
            } else if (!g.states().isEmpty()) {
                failures.add(at + ": the evaluation program updated states " + g.states().keySet());
            }
        }
        return failures;
    }

    private static void compare(List<String> failures, String what, Tensor actual, double[] expected) {
        if (actual == null) {
            failures.add(what + ": missing");
            return;
        }
        if (actual.dtype() != DType.F64) failures.add(what + ": computed in " + actual.dtype() + ", not f64");
        if (actual.numel() != expected.length) {
            failures.add(what + ": " + actual.numel() + " values, PyTorch has " + expected.length);
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            double a = actual.getDouble(i), e = expected[i];
            if (!(Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)))) {
                failures.add(what + "[" + i + "] = " + a + ", PyTorch " + e);
                return;
            }
        }
    }
}
