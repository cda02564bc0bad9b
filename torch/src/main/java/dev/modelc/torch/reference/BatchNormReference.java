package dev.modelc.torch.reference;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelc.torch.Libtorch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes PyTorch's batch norm in float64 as JSON: {@code torch.batch_norm} (what
 * {@code nn.BatchNorm1d} and {@code nn.BatchNorm2d} call) for several training steps, each with its
 * output, the gradients of a weighted sum of the output ({@code sum(wout * y)}) with respect to
 * the input, the weight and the bias, and the running statistics libtorch leaves after the step
 * (it updates them in place); then one evaluation step with those running statistics. Run by
 * {@code scripts/torch-reference}; the argument is the file to write.
 */
public final class BatchNormReference {
    private static final double MOMENTUM = 0.1, EPS = 1e-5;
    private static final int TRAINING_STEPS = 3;

    private BatchNormReference() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BatchNormReference <fixture.json>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Libtorch torch = Libtorch.start();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", torch.describe() + "; written by scripts/torch-reference (torch/, dev.modelc.torch.reference.BatchNormReference)");
        ArrayNode notes = root.putArray("notes");
        notes.add("torch.batch_norm(x, weight, bias, running_mean, running_var, training, momentum = 0.1, eps = 1e-5), in float64,"
                + " as nn.BatchNorm1d (x: [N, C] or [N, C, L]) and nn.BatchNorm2d (x: [N, C, H, W]) call it; all arrays row-major.");
        notes.add("steps: training steps in order from running_mean zeros and running_var ones (weight and bias stay as given);"
                + " each gives y, grad_x, grad_weight and grad_bias of sum(wout * y) by autograd, and the running statistics"
                + " libtorch holds after the step. eval: one step with training = false and the running statistics after the last"
                + " training step.");
        ArrayNode cases = root.putArray("cases");
        SplittableRandom random = new SplittableRandom(15);
        try (NDManager m = NDManager.newBaseManager()) {
            write(cases.addObject(), "batch_norm_1d", "BatchNorm1d", new long[] {5, 3}, random, m);
            write(cases.addObject(), "batch_norm_2d", "BatchNorm2d", new long[] {2, 3, 2, 3}, random, m);
            // nn.BatchNorm1d on [N, C, L] (a sequence per channel): statistics over the batch and the length. Last, so that the
            // cases before it draw what they always drew.
            write(cases.addObject(), "batch_norm_1d_ncl", "BatchNorm1d", new long[] {4, 3, 5}, random, m);
        }
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writer(pretty).writeValueAsString(root) + "\n");
        System.out.println("wrote " + cases.size() + " cases to " + out + " (" + torch.describe() + ")");
    }

    private static void write(ObjectNode n, String name, String layer, long[] shape, SplittableRandom random, NDManager parent) {
        int c = (int) shape[1];
        long size = 1;
        for (long d : shape) size *= d;
        n.put("name", name);
        n.put("layer", layer);
        n.put("features", c);
        n.put("momentum", MOMENTUM);
        n.put("eps", EPS);
        ArrayNode dims = n.putArray("shape");
        for (long d : shape) dims.add(d);
        double[] weight = draws(random, c, 0.5, 1.5), bias = draws(random, c, -1, 1);
        numbers(n.putArray("weight"), weight);
        numbers(n.putArray("bias"), bias);
        try (NDManager m = parent.newSubManager()) {
            PtNDArray runningMean = (PtNDArray) m.zeros(new Shape(c), ai.djl.ndarray.types.DataType.FLOAT64);
            PtNDArray runningVar = (PtNDArray) m.ones(new Shape(c), ai.djl.ndarray.types.DataType.FLOAT64);
            ArrayNode steps = n.putArray("steps");
            for (int k = 0; k < TRAINING_STEPS; k++) {
                ObjectNode s = steps.addObject();
                step(s, true, shape, size, weight, bias, runningMean, runningVar, random, m);
                numbers(s.putArray("running_mean"), runningMean.toDoubleArray());
                numbers(s.putArray("running_var"), runningVar.toDoubleArray());
            }
            step(n.putObject("eval"), false, shape, size, weight, bias, runningMean, runningVar, random, m);
        }
    }

    private static void step(ObjectNode s, boolean training, long[] shape, long size, double[] weight, double[] bias,
                             PtNDArray runningMean, PtNDArray runningVar, SplittableRandom random, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            // Spread per channel, so the running statistics move visibly.
            double[] x = draws(random, (int) size, -3, 3), wout = draws(random, (int) size, -2, 2);
            PtNDArray xs = (PtNDArray) m.create(x, new Shape(shape));
            PtNDArray w = (PtNDArray) m.create(weight, new Shape(weight.length));
            PtNDArray b = (PtNDArray) m.create(bias, new Shape(bias.length));
            for (PtNDArray a : new PtNDArray[] {xs, w, b}) JniUtils.attachGradient(a, true);
            PtNDArray y = JniUtils.batchNorm(xs, runningMean, runningVar, w, b, training, MOMENTUM, EPS);
            JniUtils.backward(y, (PtNDArray) m.create(wout, y.getShape()), false, false);
            numbers(s.putArray("x"), x);
            numbers(s.putArray("wout"), wout);
            numbers(s.putArray("y"), y.toDoubleArray());
            numbers(s.putArray("grad_x"), JniUtils.getGradient(xs).toDoubleArray());
            numbers(s.putArray("grad_weight"), JniUtils.getGradient(w).toDoubleArray());
            numbers(s.putArray("grad_bias"), JniUtils.getGradient(b).toDoubleArray());
        }
    }

    /** Uniform in [lo, hi), rounded to 3 decimals, so the fixture's inputs are exact in any reader. */
    private static double[] draws(SplittableRandom random, int n, double lo, double hi) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.round(random.nextDouble(lo, hi) * 1e3) / 1e3;
        return out;
    }

    private static void numbers(ArrayNode to, double[] values) {
        for (double v : values) to.add(v);
    }
}
