package dev.modelc.compiler.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's reference values of var, std, layer_norm and norm, {@code reference/torch-statistics.json}
 * in the compiler's test resources, written by {@code scripts/torch-reference} with libtorch (the
 * {@code torch/} module): per case the modelc call, PyTorch's expression, the operand, and in f64
 * the value, the gradient of {@code sum(w * f(x))} and the Hessian-vector product with {@code v}.
 */
public record TorchStatistics(String source, List<Case> cases) {
    /** One call at one operand; arrays row-major. */
    public record Case(String name, String call, String torch, int[] shape, double[] x, int[] valueShape, double[] value,
                       double[] w, double[] grad, double[] v, double[] hvp) {
        @Override
        public String toString() {
            return call;
        }
    }

    public static TorchStatistics load() {
        return load("torch-statistics.json");
    }

    /** Another fixture of this format in {@code reference/} ({@code torch-indexing.json}: t[ids], gather, embedding; {@code torch-pooling.json}: pooling, prod, cumsum, einsum). */
    public static TorchStatistics load(String file) {
        try (InputStream in = TorchStatistics.class.getResourceAsStream("/reference/" + file)) {
            if (in == null) throw new IllegalStateException("reference/" + file + " is not on the test class path");
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(c.get("name").asText(), c.get("call").asText(), c.get("torch").asText(), ints(c.get("shape")),
                        numbers(c.get("x")), ints(c.get("value_shape")), numbers(c.get("value")), numbers(c.get("w")),
                        numbers(c.get("grad")), numbers(c.get("v")), numbers(c.get("hvp"))));
            }
            return new TorchStatistics(root.get("source").asText(), List.copyOf(cases));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    /** JSON numbers, and "NaN", "Infinity", "-Infinity" as strings (JSON has no such numbers). */
    private static double[] numbers(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = array.get(i);
            out[i] = n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
        }
        return out;
    }
}
