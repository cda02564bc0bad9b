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

/**
 * Writes the PyTorch reference values of the elementwise functions (values, gradients, second
 * derivatives in float64; values in float32) as JSON, for the compiler's and the CUDA module's
 * tests, which read it without libtorch. Run by {@code scripts/torch-reference}; the argument is
 * the file to write.
 *
 * <p>Numbers are JSON numbers, written so they read back to the same double (Java's shortest
 * repr), except NaN and the infinities, which JSON lacks: the strings "NaN", "Infinity",
 * "-Infinity" ({@code Double.parseDouble} reads them).
 */
public final class ElementwiseReference {
    private ElementwiseReference() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ElementwiseReference <fixture.json>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Libtorch torch = Libtorch.start();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", torch.describe() + "; written by scripts/torch-reference (torch/, dev.modelc.torch.reference.ElementwiseReference)");
        ArrayNode notes = root.putArray("notes");
        List.of("Each case: call is the modelc expression of x, torch the TorchScript expression libtorch compiled and ran "
                        + "(PyTorch's own ops, e.g. torch.silu, not a formula of other ops), args the keyword arguments both pass.",
                "f64: x, value = f(x), grad = d sum(f(x)) / dx and grad2 = d sum(grad) / dx by torch autograd (backward with "
                        + "create_graph, then backward of the gradient's sum), all in float64; grad2 is 0 where the gradient "
                        + "does not depend on x (autograd.grad would say None). Masks (isnan, isfinite) have values only, as 0 and 1.",
                "f32: the same points rounded to float32, value by PyTorch's float32 kernels.",
                "NaN and the infinities are the strings \"NaN\", \"Infinity\", \"-Infinity\".").forEach(notes::add);
        ArrayNode cases = root.putArray("cases");
        try (NDManager m = NDManager.newBaseManager()) {
            for (ElementwiseCase c : ElementwiseCases.all()) {
                ObjectNode n = cases.addObject();
                n.put("name", c.name());
                n.put("call", c.call());
                n.put("torch", c.torch());
                ObjectNode a = n.putObject("args");
                c.args().forEach(a::put);
                Autograd.Result r = Autograd.f64(c, m);
                ObjectNode f64 = n.putObject("f64");
                numbers(f64.putArray("x"), c.points());
                numbers(f64.putArray("value"), r.value());
                if (r.grad() != null) numbers(f64.putArray("grad"), r.grad());
                if (r.grad2() != null) numbers(f64.putArray("grad2"), r.grad2());
                ObjectNode f32 = n.putObject("f32");
                double[] x32 = new double[c.points().length];
                for (int i = 0; i < x32.length; i++) x32[i] = (float) c.points()[i];
                numbers(f32.putArray("x"), x32);
                numbers(f32.putArray("value"), Autograd.f32(c, m));
            }
        }
        // Arrays on one line: a case reads as a table, and a regenerated file diffs by case.
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writer(pretty).writeValueAsString(root) + "\n");
        System.out.println("wrote " + cases.size() + " cases to " + out + " (" + torch.describe() + ")");
    }

    private static void numbers(ArrayNode to, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) to.add(v);
            else to.add(Double.toString(v));
        }
    }
}
