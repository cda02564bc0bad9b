package dev.modelc.torch.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelc.torch.Libtorch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The libtorch side of {@code scripts/bench}: the workloads of the benchmarks' {@code workloads.model}
 * written as a PyTorch user writes them (autograd, then {@code p -= lr * p.grad} outside it and
 * the gradient zeroed), on the inputs and initial params the benchmark table wrote (raw
 * little-endian f32 and i32 files in one directory, so both sides train on the same numbers), timed as
 * the table times modelc: the median of repeated timings after a warm-up. Runs in its own JVM so
 * libtorch's OpenMP pool and modelc's threads never compete.
 *
 * <p>Prints one line per workload: its key, the median seconds and the value both sides must
 * agree on (a loss, or f), tab-separated. Usage: {@code BenchPeer DIR [--quick] [--only KEY] [--threads N]}.
 */
public final class BenchPeer {
    private record Result(String key, double seconds, double check) {
    }

    private final Path dir;
    private final boolean quick;
    private final NDManager m;

    private BenchPeer(Path dir, boolean quick, NDManager m) {
        this.dir = dir;
        this.quick = quick;
        this.m = m;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: BenchPeer <inputs directory> [--quick] [--only seed|linreg|smooth|mlp|conv|cnn] [--threads N]");
            System.exit(2);
        }
        List<String> flags = Arrays.asList(args);
        boolean quick = flags.contains("--quick");
        int only = flags.indexOf("--only");
        String which = only >= 0 && only + 1 < args.length ? args[only + 1] : "all";
        Libtorch torch = Libtorch.start();
        int threads = flags.indexOf("--threads");
        if (threads >= 0 && threads + 1 < args.length) JniUtils.setNumThreads(Integer.parseInt(args[threads + 1]));
        System.err.printf(Locale.ROOT, "%s, %d intra-op threads%n", torch.describe(), JniUtils.getNumThreads());
        List<Result> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            BenchPeer p = new BenchPeer(Path.of(args[0]), quick, m);
            if (which.equals("all") || which.equals("seed")) results.add(p.seed());
            if (which.equals("all") || which.equals("linreg")) results.add(p.linreg());
            if (which.equals("all") || which.equals("smooth")) results.add(p.smooth());
            if (which.equals("all") || which.equals("mlp")) results.add(p.mlp());
            if (which.equals("all") || which.equals("conv")) {
                results.add(p.conv1());
                results.add(p.conv2());
            }
            if (which.equals("all") || which.equals("cnn")) results.add(p.cnn());
        }
        System.out.printf(Locale.ROOT, "threads\t%d\t0%n", JniUtils.getNumThreads());
        for (Result r : results) System.out.printf(Locale.ROOT, "%s\t%.9g\t%.9g%n", r.key(), r.seconds(), r.check());
    }

    private int reps(int n) {
        return quick ? Math.max(1, n / 10) : n;
    }

    /** Median seconds of {@code op} over {@code reps} timings after {@code warm} untimed calls: BenchTable's rule. */
    private static double time(Runnable op, int warm, int reps) {
        for (int i = 0; i < warm; i++) op.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private float[] floats(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".f32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    private long[] labels(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".i32"))).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getInt();
        return v;
    }

    private NDArray tensor(String name, long... shape) throws IOException {
        return m.create(floats(name), new Shape(shape));
    }

    private NDArray param(String name, long... shape) throws IOException {
        NDArray p = tensor(name, shape);
        JniUtils.attachGradient((PtNDArray) p, true);
        return p;
    }

    /** loss.backward(), then with no_grad: p -= lr * p.grad; p.grad.zero_(). Returns the loss. */
    private static float step(NDArray loss, float lr, NDArray... params) {
        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
        JniUtils.setGradMode(false);
        try {
            for (NDArray p : params) {
                p.subi(JniUtils.getGradient((PtNDArray) p).mul(lr));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        } finally {
            JniUtils.setGradMode(true);
        }
        return loss.getFloat();
    }

    /** The Regression model: preds = x @ w.T + b, loss = mean((preds - y)^2), lr 1e-5. */
    private final class Regression {
        final NDArray x, y, w, b;

        Regression(String prefix, long rows) throws IOException {
            x = tensor(prefix + "_x", rows, 3);
            y = tensor(prefix + "_y", rows, 2);
            w = param("regression_w", 2, 3);
            b = param("regression_b", 2);
        }

        float epoch() {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray loss = x.matMul(w.transpose()).add(b).sub(y).pow(2).mean();
                return step(loss, 1e-5f, w, b);
            }
        }
    }

    private Result seed() throws IOException {
        Regression check = new Regression("seed", 15);
        float loss = 0;
        for (int e = 0; e < 100; e++) loss = check.epoch();
        Regression r = new Regression("seed", 15);
        Runnable hundred = () -> {
            for (int e = 0; e < 100; e++) r.epoch();
        };
        return new Result("seed", time(hundred, reps(50), reps(30)), loss);
    }

    private Result linreg() throws IOException {
        Regression r = new Regression("linreg", 1 << 20);
        float loss = r.epoch();
        return new Result("linreg", time(r::epoch, reps(100), reps(60)), loss);
    }

    private Result smooth() throws IOException {
        NDArray x = param("smooth_x", 1 << 22);
        float[] f = new float[1];
        Runnable both = () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray value = x.sin().exp().mul(x).div(x.mul(x).add(1)).sum();
                JniUtils.backward((PtNDArray) value, (PtNDArray) value.onesLike(), false, false);
                f[0] = value.getFloat();
                JniUtils.setGradMode(false);
                JniUtils.zeroGrad((PtNDArray) x);
                JniUtils.setGradMode(true);
            }
        };
        both.run();
        float check = f[0];
        return new Result("smooth", time(both, reps(30), reps(30)), check);
    }

    /** The Mlp model: relu(x @ w1 + b1), relu(. @ w2 + b2), . @ w3 + b3, cross-entropy, SGD lr 0.01. */
    private Result mlp() throws IOException {
        int batch = 256;
        NDArray x = tensor("mlp_x", batch, 784), y = m.create(labels("mlp_y")).reshape(-1, 1);
        NDArray w1 = param("mlp_w1", 784, 256), b1 = param("mlp_b1", 256), w2 = param("mlp_w2", 256, 256),
                b2 = param("mlp_b2", 256), w3 = param("mlp_w3", 256, 10), b3 = param("mlp_b3", 10);
        float[] loss = new float[1];
        Runnable step = () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                PtNDArray h = JniUtils.relu((PtNDArray) x.matMul(w1).add(b1));
                h = JniUtils.relu((PtNDArray) h.matMul(w2).add(b2));
                NDArray logits = h.matMul(w3).add(b3);
                NDArray ce = logits.logSoftmax(1).gather(y, 1).neg().mean();
                loss[0] = step(ce, 0.01f, w1, b1, w2, b2, w3, b3);
            }
        };
        step.run();
        float first = loss[0];
        return new Result("mlp", time(step, reps(100), reps(40)), first);
    }

    private static final Shape ONE = new Shape(1, 1), TWO = new Shape(2, 2), NONE = new Shape(0, 0);

    /** F.conv2d(x, w, b, padding=1): stride and dilation 1, one group. */
    private static PtNDArray conv(NDArray x, NDArray w, NDArray b) {
        return JniUtils.convolution((PtNDArray) x, (PtNDArray) w, (PtNDArray) b, ONE, ONE, ONE, 1);
    }

    /** The Conv1 model: loss = mean(conv2d(x, w, b, padding=1) ** 2) on 64 images, SGD lr 0.01 on w and b. */
    private Result conv1() throws IOException {
        NDArray x = tensor("images_x", 64, 1, 28, 28);
        NDArray w = param("conv1_c.weight", 16, 1, 3, 3), b = param("conv1_c.bias", 16);
        return convStep("conv1", () -> conv(x, w, b).pow(2).mean(), w, b);
    }

    /** The Conv2 model: the same on trained activations h [64, 16, 14, 14], so h's gradient is computed (and h stepped) too. */
    private Result conv2() throws IOException {
        NDArray h = param("conv2_h", 64, 16, 14, 14);
        NDArray w = param("conv2_c.weight", 32, 16, 3, 3), b = param("conv2_c.bias", 32);
        return convStep("conv2", () -> conv(h, w, b).pow(2).mean(), h, w, b);
    }

    private Result convStep(String key, java.util.function.Supplier<NDArray> loss, NDArray... params) {
        float[] first = new float[1];
        Runnable step = () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                first[0] = step(loss.get(), 0.01f, params);
            }
        };
        step.run();
        float check = first[0];
        return new Result(key, time(step, reps(100), reps(40)), check);
    }

    /**
     * The CnnStep model, the Fashion-MNIST sample's network: max_pool2d(relu(conv1(x)), 2),
     * max_pool2d(relu(conv2(.)), 2), flatten, relu(fc1(.)), fc2(.), cross-entropy, SGD lr 0.01.
     */
    private Result cnn() throws IOException {
        NDArray x = tensor("images_x", 64, 1, 28, 28), y = m.create(labels("images_y")).reshape(-1, 1);
        NDArray c1w = param("cnnstep_net.conv1.weight", 16, 1, 3, 3), c1b = param("cnnstep_net.conv1.bias", 16),
                c2w = param("cnnstep_net.conv2.weight", 32, 16, 3, 3), c2b = param("cnnstep_net.conv2.bias", 32),
                f1w = param("cnnstep_net.fc1.weight", 128, 32 * 7 * 7), f1b = param("cnnstep_net.fc1.bias", 128),
                f2w = param("cnnstep_net.fc2.weight", 10, 128), f2b = param("cnnstep_net.fc2.bias", 10);
        float[] loss = new float[1];
        Runnable step = () -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                PtNDArray h = JniUtils.maxPool(JniUtils.relu(conv(x, c1w, c1b)), TWO, TWO, NONE, false);
                h = JniUtils.maxPool(JniUtils.relu(conv(h, c2w, c2b)), TWO, TWO, NONE, false);
                h = JniUtils.relu(JniUtils.linear(JniUtils.flatten(h, 1, -1), (PtNDArray) f1w, (PtNDArray) f1b));
                NDArray logits = JniUtils.linear(h, (PtNDArray) f2w, (PtNDArray) f2b);
                NDArray ce = logits.logSoftmax(1).gather(y, 1).neg().mean();
                loss[0] = step(ce, 0.01f, c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b);
            }
        };
        step.run();
        float first = loss[0];
        return new Result("cnn", time(step, reps(100), reps(40)), first);
    }
}
