package dev.modelc.torch.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelc.torch.Libtorch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * PyTorch's "Learn the Basics" quickstart, trained by libtorch: the peer of
 * {@code samples/fashion-mnist/quickstart.model} under {@code modelc train}. The same network
 * (flatten, Linear 784-512, ReLU, Linear 512-512, ReLU, Linear 512-10), nn.Linear's default
 * initialization (weights and biases uniform in +-1/sqrt(fan_in)), pixels / 255 as ToTensor
 * gives them, cross-entropy (log_softmax then the label's entry, averaged over the batch), SGD
 * with lr 1e-3 on shuffled batches of 64, 5 epochs.
 *
 * <p>After each epoch it measures what {@code modelc train --val} prints, so the two epochs do
 * the same work: the loss over the whole training set (in batches of 64, in order) and the loss
 * and accuracy on the test set. Each epoch line gives the wall time of the whole epoch with those
 * evaluations, of its training steps alone, and the process's CPU time in the epoch. Run by {@code scripts/torch-quickstart}.
 */
public final class Quickstart {
    private static final int BATCH = 64, EPOCHS = 5, PIXELS = 28 * 28, CLASSES = 10;
    private static final float LR = 1e-3f;

    private Quickstart() {
    }

    /** The network's params, each with autograd recording its gradient. */
    private record Network(List<NDArray> params) {
        static Network init(NDManager m, SplittableRandom random) {
            return new Network(List.of(uniform(m, random, PIXELS, 512, PIXELS), uniform(m, random, PIXELS, 512),
                    uniform(m, random, 512, 512, 512), uniform(m, random, 512, 512),
                    uniform(m, random, 512, CLASSES, 512), uniform(m, random, 512, CLASSES)));
        }

        NDArray logits(NDArray x) {
            PtNDArray h = JniUtils.relu(JniUtils.linear((PtNDArray) x, p(0), p(1)));
            h = JniUtils.relu(JniUtils.linear(h, p(2), p(3)));
            return JniUtils.linear(h, p(4), p(5));
        }

        private PtNDArray p(int i) {
            return (PtNDArray) params.get(i);
        }

        /** F.cross_entropy, reduction mean: minus the label's log-probability, averaged. */
        static NDArray crossEntropy(NDArray logits, NDArray labels) {
            return logits.logSoftmax(1).gather(labels.reshape(-1, 1), 1).neg().mean();
        }
    }

    /**
     * A param of {@code shape}, uniform in +-1/sqrt(fanIn): nn.Linear's reset_parameters, whose
     * kaiming_uniform(a = sqrt 5) for the weight is that bound, and the bias's is the same.
     */
    private static NDArray uniform(NDManager m, SplittableRandom random, int fanIn, int... shape) {
        double bound = 1 / Math.sqrt(fanIn);
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextDouble(-bound, bound);
        long[] dims = new long[shape.length];
        for (int i = 0; i < dims.length; i++) dims[i] = shape[i];
        NDArray p = m.create(v, new Shape(dims));
        JniUtils.attachGradient((PtNDArray) p, true);
        return p;
    }

    /** Images scaled to [0, 1] as float32 (v / 255f, as ToTensor), flattened to rows of 784, and their labels. */
    record Data(float[] images, int[] labels) {
        int size() {
            return labels.length;
        }

        static Data read(Path images, Path labels) throws IOException {
            IdxFile.Array x = IdxFile.read(images), y = IdxFile.read(labels);
            float[] pixels = new float[x.values().length];
            for (int i = 0; i < pixels.length; i++) pixels[i] = x.values()[i] / 255f;
            return new Data(pixels, y.values());
        }

        /** The rows {@code order[from..to)} as a batch on {@code m}, as a DataLoader collates them. */
        NDArray images(NDManager m, int[] order, int from, int to) {
            float[] batch = new float[(to - from) * PIXELS];
            for (int r = from; r < to; r++) System.arraycopy(images, order[r] * PIXELS, batch, (r - from) * PIXELS, PIXELS);
            return m.create(batch, new Shape(to - from, PIXELS));
        }

        NDArray labels(NDManager m, int[] order, int from, int to) {
            long[] batch = new long[to - from];
            for (int r = from; r < to; r++) batch[r - from] = labels[order[r]];
            return m.create(batch);
        }
    }

    /** Loss (mean over rows) and accuracy of {@code net} on {@code data}, in batches of 64, without autograd. */
    private record Evaluation(double loss, double accuracy) {
        static Evaluation of(Network net, Data data, NDManager m) {
            int[] order = identity(data.size());
            double loss = 0;
            long correct = 0;
            JniUtils.setGradMode(false);
            try {
                for (int from = 0; from < data.size(); from += BATCH) {
                    int to = Math.min(data.size(), from + BATCH);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray x = data.images(m, order, from, to), y = data.labels(m, order, from, to);
                        NDArray logits = net.logits(x);
                        loss += Network.crossEntropy(logits, y).getFloat() * (to - from);
                        correct += logits.argMax(1).eq(y).toType(DataType.INT64, false).sum().getLong();
                    }
                }
            } finally {
                JniUtils.setGradMode(true);
            }
            return new Evaluation(loss / data.size(), (double) correct / data.size());
        }
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: Quickstart <fashion-mnist directory> [seed [intra-op threads (default: the cores)]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long seed = args.length >= 2 ? Long.parseLong(args[1]) : 0;
        Libtorch torch = Libtorch.start();
        JniUtils.setNumThreads(args.length == 3 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors());
        long readStart = System.nanoTime();
        Data train = Data.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
        Data test = Data.read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        System.out.printf(Locale.ROOT, "%s, %d intra-op threads; read %d training and %d test images in %.2f s; seed %d%n",
                torch.describe(), JniUtils.getNumThreads(), train.size(), test.size(), (System.nanoTime() - readStart) / 1e9, seed);
        SplittableRandom random = new SplittableRandom(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Network.init(m, random);
            int[] order = identity(train.size());
            long total = System.nanoTime();
            // CPU seconds of the whole process (both OpenMP threads): on a loaded machine wall time depends on the others' work.
            var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                long start = System.nanoTime(), cpuStart = cpu.getProcessCpuTime();
                shuffle(order, random);
                for (int from = 0; from < train.size(); from += BATCH) {
                    int to = Math.min(train.size(), from + BATCH);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray loss = Network.crossEntropy(net.logits(train.images(m, order, from, to)), train.labels(m, order, from, to));
                        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
                        step(net);
                    }
                }
                double steps = (System.nanoTime() - start) / 1e9;
                Evaluation onTrain = Evaluation.of(net, train, m), onTest = Evaluation.of(net, test, m);
                double whole = (System.nanoTime() - start) / 1e9, cpuSeconds = (cpu.getProcessCpuTime() - cpuStart) / 1e9;
                System.out.printf(Locale.ROOT, "Epoch [%d/%d], Loss: %.4f, val loss %.4f, val accuracy %.4f; %.2f s (steps %.2f s; cpu %.2f s)%n",
                        epoch, EPOCHS, onTrain.loss(), onTest.loss(), onTest.accuracy(), whole, steps, cpuSeconds);
            }
            System.out.printf(Locale.ROOT, "trained for %d epochs in %.2f s%n", EPOCHS, (System.nanoTime() - total) / 1e9);
        }
    }

    /** optimizer.step() then zero_grad(): p -= lr * p.grad outside autograd, and the gradient zeroed in place (DJL's zeroGrad). */
    private static void step(Network net) {
        JniUtils.setGradMode(false);
        try {
            for (NDArray p : net.params()) {
                NDArray g = JniUtils.getGradient((PtNDArray) p);
                p.subi(g.mul(LR));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        } finally {
            JniUtils.setGradMode(true);
        }
    }

    /** Fisher-Yates, as torch.randperm gives a uniformly random order (not the same order: another generator). */
    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
