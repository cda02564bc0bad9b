package dev.modelc.torch.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelc.torch.Libtorch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Karpathy's makemore MLP trained by libtorch: the peer of {@code samples/makemore/makemore.model}
 * under {@code modelc train}. The same network (nn.Embedding(27, 10), its three rows flattened to
 * 30, nn.Linear(30, 200), tanh, nn.Linear(200, 27)), PyTorch's default initialization (the
 * embedding N(0, 1); weights and biases uniform in +-1/sqrt(fan_in)), F.cross_entropy, SGD on
 * shuffled batches of 32 with lr 0.1 for five epochs and 0.01 for five more (the sample's
 * {@code step_lr(5, gamma = 0.1)}).
 *
 * <p>After each epoch it measures what {@code modelc train --val} prints, so the two epochs do the
 * same work: the loss over the whole training set (batches of 32, in order) and over the held-out
 * set. Reads the CSV files the sample's {@code data/make-dataset.sh} writes ({@code c0,c1,c2,next}).
 * Run by {@code scripts/torch-makemore}.
 */
public final class Makemore {
    private static final int BATCH = 32, VOCAB = 27, BLOCK = 3, EMBED = 10, HIDDEN = 200;

    private Makemore() {
    }

    /** Contexts (three token ids a row) and the next token, as read from a CSV file. */
    record Data(long[] context, long[] next) {
        int size() {
            return next.length;
        }

        static Data read(Path csv) throws IOException {
            List<String> lines = Files.readAllLines(csv);
            if (lines.isEmpty() || !lines.getFirst().equals("c0,c1,c2,next")) {
                throw new IOException(csv + ": expected the header c0,c1,c2,next (samples/makemore/data/make-dataset.sh writes it)");
            }
            int n = lines.size() - 1;
            long[] context = new long[n * BLOCK], next = new long[n];
            for (int r = 0; r < n; r++) {
                String[] f = lines.get(r + 1).split(",");
                for (int j = 0; j < BLOCK; j++) context[r * BLOCK + j] = Long.parseLong(f[j]);
                next[r] = Long.parseLong(f[BLOCK]);
            }
            return new Data(context, next);
        }

        NDArray context(NDManager m, int[] order, int from, int to) {
            long[] batch = new long[(to - from) * BLOCK];
            for (int r = from; r < to; r++) System.arraycopy(context, order[r] * BLOCK, batch, (r - from) * BLOCK, BLOCK);
            return m.create(batch, new Shape(to - from, BLOCK));
        }

        NDArray next(NDManager m, int[] order, int from, int to) {
            long[] batch = new long[to - from];
            for (int r = from; r < to; r++) batch[r - from] = next[order[r]];
            return m.create(batch);
        }
    }

    /** C, then the two Linear layers' weights and biases, each recording its gradient. */
    private record Network(List<NDArray> params) {
        static Network init(NDManager m, SplittableRandom random) {
            return new Network(List.of(normal(m, random, VOCAB, EMBED),
                    FashionMnist.uniform(m, random, BLOCK * EMBED, HIDDEN, BLOCK * EMBED), FashionMnist.uniform(m, random, BLOCK * EMBED, HIDDEN),
                    FashionMnist.uniform(m, random, HIDDEN, VOCAB, HIDDEN), FashionMnist.uniform(m, random, HIDDEN, VOCAB)));
        }

        NDArray logits(NDArray context) {
            PtNDArray emb = JniUtils.embedding((PtNDArray) context, p(0), false);
            PtNDArray h = JniUtils.tanh(JniUtils.linear((PtNDArray) emb.reshape(-1, BLOCK * EMBED), p(1), p(2)));
            return JniUtils.linear(h, p(3), p(4));
        }

        private PtNDArray p(int i) {
            return (PtNDArray) params.get(i);
        }
    }

    private static NDArray normal(NDManager m, SplittableRandom random, int... shape) {
        float[] v = new float[shape[0] * shape[1]];
        for (int i = 0; i < v.length; i++) v[i] = (float) gaussian(random);
        NDArray p = m.create(v, new Shape(shape[0], shape[1]));
        JniUtils.attachGradient((PtNDArray) p, true);
        return p;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: a standard normal, as torch.nn.init.normal_ draws (from another generator).
        double u1 = 1 - random.nextDouble(), u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** The mean loss over every row of {@code data}, in batches of 32 in order, without autograd. */
    private static double loss(Network net, Data data, NDManager m) {
        int[] order = FashionMnist.identity(data.size());
        double sum = 0;
        JniUtils.setGradMode(false);
        try {
            for (int from = 0; from < data.size(); from += BATCH) {
                int to = Math.min(data.size(), from + BATCH);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    sum += FashionMnist.crossEntropy(net.logits(data.context(m, order, from, to)), data.next(m, order, from, to)).getFloat() * (to - from);
                }
            }
        } finally {
            JniUtils.setGradMode(true);
        }
        return sum / data.size();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: Makemore <directory with train.csv and val.csv> [epochs (default 10) [seed [intra-op threads (default: the cores)]]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int epochs = args.length >= 2 ? Integer.parseInt(args[1]) : 10;
        long seed = args.length >= 3 ? Long.parseLong(args[2]) : 0;
        Libtorch torch = Libtorch.start();
        JniUtils.setNumThreads(args.length == 4 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors());
        long readStart = System.nanoTime();
        Data train = Data.read(dir.resolve("train.csv")), val = Data.read(dir.resolve("val.csv"));
        System.out.printf(Locale.ROOT, "%s, %d intra-op threads; read %d training and %d held-out rows in %.2f s; seed %d%n",
                torch.describe(), JniUtils.getNumThreads(), train.size(), val.size(), (System.nanoTime() - readStart) / 1e9, seed);
        SplittableRandom random = new SplittableRandom(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Network.init(m, random);
            int[] order = FashionMnist.identity(train.size());
            long total = System.nanoTime();
            var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                float lr = epoch <= 5 ? 0.1f : 0.1f * 0.1f;
                long start = System.nanoTime(), cpuStart = cpu.getProcessCpuTime();
                FashionMnist.shuffle(order, random);
                for (int from = 0; from < train.size(); from += BATCH) {
                    int to = Math.min(train.size(), from + BATCH);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray loss = FashionMnist.crossEntropy(net.logits(train.context(m, order, from, to)), train.next(m, order, from, to));
                        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
                        step(net, lr);
                    }
                }
                double steps = (System.nanoTime() - start) / 1e9;
                double onTrain = loss(net, train, m), onVal = loss(net, val, m);
                double whole = (System.nanoTime() - start) / 1e9, cpuSeconds = (cpu.getProcessCpuTime() - cpuStart) / 1e9;
                System.out.printf(Locale.ROOT, "Epoch [%d/%d], Loss: %.4f, val loss %.4f; %.2f s (steps %.2f s; cpu %.2f s)%n",
                        epoch, epochs, onTrain, onVal, whole, steps, cpuSeconds);
            }
            System.out.printf(Locale.ROOT, "trained for %d epochs in %.2f s%n", epochs, (System.nanoTime() - total) / 1e9);
        }
    }

    /** optimizer.step() then zero_grad(): p -= lr * p.grad outside autograd. */
    private static void step(Network net, float lr) {
        JniUtils.setGradMode(false);
        try {
            for (NDArray p : net.params()) {
                NDArray g = JniUtils.getGradient((PtNDArray) p);
                p.subi(g.mul(lr));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        } finally {
            JniUtils.setGradMode(true);
        }
    }
}
