package dev.modelc.compiler.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch reference values in the team's shared folder ({@code shared/reference}, beside
 * the repository), found by walking up from the working directory.
 */
public final class PyTorchReference {
    private PyTorchReference() {
    }

    public static JsonNode load() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("shared/reference/pytorch-reference.json"),
                    dir.resolve("../shared/reference/pytorch-reference.json"))) {
                if (Files.isRegularFile(candidate)) {
                    try {
                        return new ObjectMapper().readTree(candidate.toFile());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        throw new IllegalStateException("shared/reference/pytorch-reference.json not found above " + Path.of("").toAbsolutePath());
    }

    /** A nested JSON array (or a number) as a tensor of {@code dtype}. */
    public static Tensor tensor(JsonNode node, DType dtype) {
        List<Integer> shape = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.get(0)) shape.add(n.size());
        List<Double> values = new ArrayList<>();
        flatten(node, values);
        return Tensor.of(dtype, shape.stream().mapToInt(Integer::intValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) for (JsonNode c : n) flatten(c, out);
        else out.add(n.asDouble());
    }
}
