package dev.modelc.torch.reference;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelc.torch.Libtorch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes PyTorch's values of integer-tensor indexing, {@code gather} and the embedding lookup in
 * float64 as JSON, in the format of {@link StatisticsReference} (the value, the gradient of a
 * weighted sum, the Hessian-vector product, by autograd), for the cases of {@link IndexingCases}.
 * Run by {@code scripts/torch-reference}; the argument is the file to write.
 */
public final class IndexingReference {
    private IndexingReference() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: IndexingReference <fixture.json>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Libtorch torch = Libtorch.start();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", torch.describe() + "; written by scripts/torch-reference (torch/, dev.modelc.torch.reference.IndexingReference)");
        ArrayNode notes = root.putArray("notes");
        List.of("Each case: call is the modelc expression of x (t[ids] rows, gather along an axis, the embedding lookup, each cubed), "
                        + "torch the TorchScript expression libtorch compiled and ran (aten::index, torch.gather, torch.embedding), "
                        + "shape x's shape; the ids are constants in both; all arrays row-major, in float64.",
                "value = f(x) with its shape; grad = d sum(w * f(x)) / dx for the weights w (f(x)'s shape), repeated ids accumulating; "
                        + "hvp = d sum(grad * v) / dx, the Hessian-vector product of sum(w * f(x)) with the direction v (x's shape), "
                        + "by torch autograd (backward with create_graph, then backward of the gradient).").forEach(notes::add);
        ArrayNode cases = root.putArray("cases");
        SplittableRandom random = new SplittableRandom(5);
        try (NDManager m = NDManager.newBaseManager()) {
            for (StatisticsCase c : IndexingCases.all()) {
                StatisticsReference.Result r = StatisticsReference.autograd(c, random, m);
                ObjectNode n = cases.addObject();
                n.put("name", c.name());
                n.put("call", c.call());
                n.put("torch", c.torch());
                ArrayNode shape = n.putArray("shape");
                for (int d : c.shape()) shape.add(d);
                StatisticsReference.numbers(n.putArray("x"), c.x());
                ArrayNode valueShape = n.putArray("value_shape");
                for (long d : r.shape()) valueShape.add(d);
                StatisticsReference.numbers(n.putArray("value"), r.value());
                StatisticsReference.numbers(n.putArray("w"), r.w());
                StatisticsReference.numbers(n.putArray("grad"), r.grad());
                StatisticsReference.numbers(n.putArray("v"), r.v());
                StatisticsReference.numbers(n.putArray("hvp"), r.hvp());
            }
        }
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writer(pretty).writeValueAsString(root) + "\n");
        System.out.println("wrote " + cases.size() + " cases to " + out + " (" + torch.describe() + ")");
    }
}
