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
import java.util.function.BiFunction;

/**
 * What the Fashion-MNIST peers share: the data as PyTorch's {@code ToTensor} gives it, the
 * training loop of a PyTorch tutorial (shuffled batches of 64, autograd, the optimizer's step),
 * and after each epoch what {@code modelc train --val} measures, so that the two epochs do the
 * same work: the loss over the whole training set (in batches of 64, in order) and the loss and
 * accuracy on the test set. Each epoch line gives the wall time of the whole epoch with those
 * evaluations, of its training steps alone, and the process's CPU time in the epoch; the last
 * line the process's peak resident memory ({@code VmHWM}).
 */
final class FashionMnist {
    static final int BATCH = 64, PIXELS = 28 * 28, CLASSES = 10;

    private FashionMnist() {
    }

    /** A network being trained: its logits for a batch of rows of 784 pixels, its params and its optimizer's step. */
    interface Network {
        NDArray logits(NDArray x);

        List<NDArray> params();

        /** optimizer.step() then zero_grad(), outside autograd. */
        void step();
    }

    /** F.cross_entropy, reduction mean: minus the label's log-probability, averaged. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).gather(labels.reshape(-1, 1), 1).neg().mean();
    }

    /**
     * A param of {@code shape}, uniform in +-1/sqrt(fanIn): nn.Linear's and nn.Conv2d's
     * reset_parameters, whose kaiming_uniform(a = sqrt 5) for the weight is that bound, and the
     * bias's is the same; with autograd recording its gradient.
     */
    static NDArray uniform(NDManager m, SplittableRandom random, int fanIn, int... shape) {
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
                        loss += crossEntropy(logits, y).getFloat() * (to - from);
                        correct += logits.argMax(1).eq(y).toType(DataType.INT64, false).sum().getLong();
                    }
                }
            } finally {
                JniUtils.setGradMode(true);
            }
            return new Evaluation(loss / data.size(), (double) correct / data.size());
        }
    }

    /**
     * The command line of a peer ({@code <fashion-mnist directory> [seed [intra-op threads [epochs]]]}):
     * reads the data, makes the network from a generator seeded with the seed, trains it for
     * the epochs given (default {@code epochs}, the sample's), printing a line per epoch.
     */
    static void main(String name, String[] args, int epochs, BiFunction<NDManager, SplittableRandom, Network> network)
            throws IOException {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: " + name + " <fashion-mnist directory> [seed [intra-op threads (default: the cores) [epochs (default "
                    + epochs + ")]]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long seed = args.length >= 2 ? Long.parseLong(args[1]) : 0;
        if (args.length == 4) epochs = Integer.parseInt(args[3]);
        Libtorch torch = Libtorch.start();
        JniUtils.setNumThreads(args.length >= 3 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors());
        long readStart = System.nanoTime();
        Data train = Data.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
        Data test = Data.read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        System.out.printf(Locale.ROOT, "%s, %d intra-op threads; read %d training and %d test images in %.2f s; seed %d%n",
                torch.describe(), JniUtils.getNumThreads(), train.size(), test.size(), (System.nanoTime() - readStart) / 1e9, seed);
        SplittableRandom random = new SplittableRandom(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = network.apply(m, random);
            int[] order = identity(train.size());
            long total = System.nanoTime();
            // CPU seconds of the whole process (both OpenMP threads): on a loaded machine wall time depends on the others' work.
            var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long start = System.nanoTime(), cpuStart = cpu.getProcessCpuTime();
                shuffle(order, random);
                for (int from = 0; from < train.size(); from += BATCH) {
                    int to = Math.min(train.size(), from + BATCH);
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray loss = crossEntropy(net.logits(train.images(m, order, from, to)), train.labels(m, order, from, to));
                        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
                        JniUtils.setGradMode(false);
                        try {
                            net.step();
                        } finally {
                            JniUtils.setGradMode(true);
                        }
                    }
                }
                double steps = (System.nanoTime() - start) / 1e9;
                Evaluation onTrain = Evaluation.of(net, train, m), onTest = Evaluation.of(net, test, m);
                double whole = (System.nanoTime() - start) / 1e9, cpuSeconds = (cpu.getProcessCpuTime() - cpuStart) / 1e9;
                System.out.printf(Locale.ROOT, "Epoch [%d/%d], Loss: %.4f, val loss %.4f, val accuracy %.4f; %.2f s (steps %.2f s; cpu %.2f s)%n",
                        epoch, epochs, onTrain.loss(), onTest.loss(), onTest.accuracy(), whole, steps, cpuSeconds);
            }
            System.out.printf(Locale.ROOT, "trained for %d epochs in %.2f s; peak resident memory %s%n", epochs,
                    (System.nanoTime() - total) / 1e9, peakResident());
        }
    }

    /** This process's VmHWM from /proc/self/status (the most memory it has held resident), or "unknown" off Linux. */
    private static String peakResident() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return line.substring(6).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }

    static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /** Fisher-Yates, as torch.randperm gives a uniformly random order (not the same order: another generator). */
    static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
