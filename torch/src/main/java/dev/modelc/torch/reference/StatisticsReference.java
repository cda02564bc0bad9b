package dev.modelc.torch.reference;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelc.torch.Libtorch;
import dev.modelc.torch.TorchScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes PyTorch's values of var, std, layer_norm and norm in float64 as JSON, with the
 * gradient of a weighted sum {@code sum(w * f(x))} (weights, not ones: the gradient of
 * layer_norm's plain sum is zero everywhere) and the Hessian-vector product
 * {@code d/dx sum(grad * v)} for a fixed direction v, both by autograd (the first backward with
 * create_graph). Run by {@code scripts/torch-reference}; the argument is the file to write.
 */
public final class StatisticsReference {
    private StatisticsReference() {
    }

    /** What PyTorch computes for one case. */
    record Result(long[] shape, double[] value, double[] w, double[] grad, double[] v, double[] hvp) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StatisticsReference <fixture.json>");
            System.exit(2);
        }
        write(Path.of(args[0]), StatisticsCases.all(), "StatisticsReference",
                "(torch.var, torch.std, torch.layer_norm, torch.linalg.vector_norm)");
    }

    /**
     * Writes {@code cases} with PyTorch's values to {@code out}, saying which class wrote them and
     * which PyTorch functions the cases call; shared by the reference classes of this format.
     */
    static void write(Path out, List<StatisticsCase> cases, String writer, String functions) throws IOException {
        Libtorch torch = Libtorch.start();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", torch.describe() + "; written by scripts/torch-reference (torch/, dev.modelc.torch.reference." + writer + ")");
        ArrayNode notes = root.putArray("notes");
        List.of("Each case: call is the modelc expression of x, torch the TorchScript expression libtorch compiled and ran "
                        + functions + ", shape x's shape; all arrays row-major, in float64.",
                "value = f(x) with its shape; grad = d sum(w * f(x)) / dx for the weights w (f(x)'s shape); "
                        + "hvp = d sum(grad * v) / dx, the Hessian-vector product of sum(w * f(x)) with the direction v (x's shape), "
                        + "by torch autograd (backward with create_graph, then backward of the gradient); hvp is 0 where the gradient "
                        + "does not depend on x (autograd.grad would say None).").forEach(notes::add);
        ArrayNode written = root.putArray("cases");
        SplittableRandom random = new SplittableRandom(5);
        try (NDManager m = NDManager.newBaseManager()) {
            for (StatisticsCase c : cases) {
                Result r = autograd(c, random, m);
                ObjectNode n = written.addObject();
                n.put("name", c.name());
                n.put("call", c.call());
                n.put("torch", c.torch());
                ArrayNode shape = n.putArray("shape");
                for (int d : c.shape()) shape.add(d);
                numbers(n.putArray("x"), c.x());
                ArrayNode valueShape = n.putArray("value_shape");
                for (long d : r.shape()) valueShape.add(d);
                numbers(n.putArray("value"), r.value());
                numbers(n.putArray("w"), r.w());
                numbers(n.putArray("grad"), r.grad());
                numbers(n.putArray("v"), r.v());
                numbers(n.putArray("hvp"), r.hvp());
            }
        }
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writer(pretty).writeValueAsString(root) + "\n");
        System.out.println("wrote " + written.size() + " cases to " + out + " (" + torch.describe() + ")");
    }

    static Result autograd(StatisticsCase c, SplittableRandom random, NDManager parent) {
        try (NDManager m = parent.newSubManager(); TorchScript f = TorchScript.of(c.torch(), m)) {
            long[] dims = new long[c.shape().length];
            for (int i = 0; i < dims.length; i++) dims[i] = c.shape()[i];
            PtNDArray x = (PtNDArray) m.create(c.x(), new Shape(dims));
            JniUtils.attachGradient(x, true);
            NDArray y = f.apply(x);
            if (y.getDataType() != DataType.FLOAT64) throw new IllegalStateException(c.torch() + ": float64 in, " + y.getDataType() + " out");
            double[] value = y.toDoubleArray();
            double[] w = draws(random, value.length), v = draws(random, c.x().length);
            JniUtils.backward((PtNDArray) y, (PtNDArray) m.create(w, y.getShape()), true, true);
            PtNDArray g = JniUtils.getGradient(x);
            double[] grad = g.toDoubleArray();
            // x.grad is g itself: zero it in place (its graph is unaffected) so the second backward leaves H v there, not g + H v.
            JniUtils.zeroGrad(x);
            double[] hvp;
            try {
                JniUtils.backward(g, (PtNDArray) m.create(v, g.getShape()), false, false);
                hvp = JniUtils.getGradient(x).toDoubleArray();
            } catch (EngineException e) {
                if (!e.getMessage().contains("does not require grad")) throw e;
                hvp = new double[grad.length];
            }
            return new Result(y.getShape().getShape(), value, w, grad, v, hvp);
        }
    }

    /** Weights and directions: uniform in [-2, 2) away from 0, rounded to 3 decimals. */
    private static double[] draws(SplittableRandom random, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double d = random.nextDouble(0.25, 2) * (random.nextBoolean() ? 1 : -1);
            out[i] = Math.round(d * 1e3) / 1e3;
        }
        return out;
    }

    static void numbers(ArrayNode to, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) to.add(v);
            else to.add(Double.toString(v));
        }
    }
}
