package dev.modelc.compiler.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * PyTorch's reference values of conv1d and conv2d, {@code reference/torch-conv.json} in the
 * compiler's test resources, written by {@code scripts/torch-reference} with libtorch (the
 * {@code torch/} module's {@code ConvReference}): per case the modelc call, the operands, and in
 * f64 the value, the gradients of {@code sum(r * y)} in x and w, and the gradients of
 * {@code sum(dx * vx) + sum(dw * vw)} in x and w (second derivatives).
 */
public record TorchConv(String source, List<Case> cases) {
    /** One call at one pair of operands; arrays row-major. */
    public record Case(String name, String call, int[] xShape, int[] wShape, int[] yShape, Map<String, double[]> values) {
        public double[] get(String name) {
            return values.get(name);
        }

        /**
         * Model M: the call, both gradients of the weighted sum, and both second derivatives, the
         * gradients of the first ones taken by {@code grad} (so the derivative rules of the
         * derivative ops run).
         */
        public String model() {
            String weighted = "sum(r * " + call + ")";
            String inner = "sum(grad(" + weighted + ", x) * vx) + sum(grad(" + weighted + ", w) * vw)";
            return "model M {\n"
                    + "  input x: f64" + dims(xShape) + "\n"
                    + "  input w: f64" + dims(wShape) + "\n"
                    + "  input r: f64" + dims(yShape) + "\n"
                    + "  input vx: f64" + dims(xShape) + "\n"
                    + "  input vw: f64" + dims(wShape) + "\n"
                    + "  output y = " + call + "\n"
                    + "  output dx = grad(" + weighted + ", x)\n"
                    + "  output dw = grad(" + weighted + ", w)\n"
                    + "  output hx = grad(" + inner + ", x)\n"
                    + "  output hw = grad(" + inner + ", w)\n"
                    + "}\n";
        }

        /** The inputs of {@link #model}. */
        public Map<String, Tensor> inputs() {
            return Map.of("x", Tensor.of(get("x"), xShape), "w", Tensor.of(get("w"), wShape), "r", Tensor.of(get("r"), yShape),
                    "vx", Tensor.of(get("vx"), xShape), "vw", Tensor.of(get("vw"), wShape));
        }

        @Override
        public String toString() {
            return call;
        }
    }

    /** The results each case holds, in the order the model's outputs are compared. */
    public static final List<String> RESULTS = List.of("y", "dx", "dw", "hx", "hw");

    private static String dims(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    public static TorchConv load() {
        try (InputStream in = TorchConv.class.getResourceAsStream("/reference/torch-conv.json")) {
            if (in == null) throw new IllegalStateException("reference/torch-conv.json is not on the test class path");
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                Map<String, double[]> values = new LinkedHashMap<>();
                for (String k : List.of("x", "w", "y", "r", "dx", "dw", "vx", "vw", "hx", "hw")) values.put(k, numbers(c.get(k)));
                cases.add(new Case(c.get("name").asText(), c.get("call").asText(), ints(c.get("x_shape")), ints(c.get("w_shape")),
                        ints(c.get("y_shape")), values));
            }
            return new TorchConv(root.get("source").asText(), List.copyOf(cases));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every result of {@code outputs} that differs from PyTorch's by more than {@code tolerance}
     * times the largest magnitude of PyTorch's result, one line each; empty when all agree.
     * Each element is a sum of at most a few hundred products of numbers below 2 in magnitude;
     * libtorch (oneDNN or its own loops) and modelc sum them in different orders, so the two
     * differ by a few ulps of the largest partial sums.
     */
    public static List<String> compare(Case c, Map<String, Tensor> outputs, double tolerance) {
        List<String> failures = new ArrayList<>();
        for (String result : RESULTS) {
            double[] want = c.get(result);
            Tensor t = outputs.get(result);
            double[] got = t.toDoubleArray();
            if (got.length != want.length) {
                failures.add(c.call() + " " + result + ": " + got.length + " values, PyTorch " + want.length);
                continue;
            }
            double scale = 0;
            for (double v : want) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < want.length; i++) {
                if (!(Math.abs(got[i] - want[i]) <= tolerance * scale)) {
                    failures.add(c.call() + " " + result + "[" + i + "]: modelc " + got[i] + ", PyTorch " + want[i]);
                    break;
                }
            }
        }
        return failures;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    private static double[] numbers(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }
}
