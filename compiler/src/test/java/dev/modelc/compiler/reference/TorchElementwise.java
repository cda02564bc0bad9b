package dev.modelc.compiler.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch reference values of the elementwise functions, {@code reference/torch-elementwise.json}
 * in the compiler's test resources, written by {@code scripts/torch-reference} with libtorch (the
 * {@code torch/} module): per case the modelc call, PyTorch's expression, the points, and in f64
 * the values, first and second derivatives by autograd; in f32 the values of PyTorch's f32 kernels.
 */
public record TorchElementwise(String source, List<Case> cases) {
    /** One function with its arguments; {@code grad} and {@code grad2} are null for masks. */
    public record Case(String name, String call, String torch, Points f64, double[] grad, double[] grad2, Points f32) {
        @Override
        public String toString() {
            return call;
        }
    }

    /** Points and PyTorch's values at them. */
    public record Points(double[] x, double[] value) {
    }

    public static TorchElementwise load() {
        try (InputStream in = TorchElementwise.class.getResourceAsStream("/reference/torch-elementwise.json")) {
            if (in == null) throw new IllegalStateException("reference/torch-elementwise.json is not on the test class path");
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                JsonNode f64 = c.get("f64"), f32 = c.get("f32");
                cases.add(new Case(c.get("name").asText(), c.get("call").asText(), c.get("torch").asText(),
                        new Points(numbers(f64.get("x")), numbers(f64.get("value"))),
                        f64.has("grad") ? numbers(f64.get("grad")) : null, f64.has("grad2") ? numbers(f64.get("grad2")) : null,
                        new Points(numbers(f32.get("x")), numbers(f32.get("value")))));
            }
            return new TorchElementwise(root.get("source").asText(), List.copyOf(cases));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
