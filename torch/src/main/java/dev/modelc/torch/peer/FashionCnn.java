package dev.modelc.torch.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The CNN of {@code samples/fashion-mnist/cnn.model}, trained by libtorch: its peer under
 * {@code modelc train}. The sample's comment is the PyTorch module:
 * <pre>{@code
 * x = F.max_pool2d(F.relu(self.conv1(x)), 2)       # conv1 = nn.Conv2d(1, 16, 3, padding=1)
 * x = F.max_pool2d(F.relu(self.conv2(x)), 2)       # conv2 = nn.Conv2d(16, 32, 3, padding=1)
 * return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))   # fc1 = nn.Linear(32 * 7 * 7, 128), fc2 = nn.Linear(128, 10)
 * }</pre>
 * with PyTorch's default initialization of each layer (weights and biases uniform in
 * +-1/sqrt(fan_in), fan_in = in channels x 3 x 3 for a convolution), cross-entropy, and
 * {@code torch.optim.Adam(lr=1e-3)} (betas 0.9 and 0.999, eps 1e-8) on shuffled batches of 64,
 * 3 epochs, as the sample's train block. The loop and the per-epoch evaluation are
 * {@link FashionMnist}'s. Run by {@code scripts/torch-quickstart --cnn}.
 */
public final class FashionCnn {
    private static final int EPOCHS = 3;
    private static final double LR = 1e-3, BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    private FashionCnn() {
    }

    private static final class Network implements FashionMnist.Network {
        private static final Shape ONE = new Shape(1, 1), TWO = new Shape(2, 2), NONE = new Shape(0, 0);

        private final List<NDArray> params;
        /** Adam's exp_avg and exp_avg_sq per param, zeros at first. */
        private final List<NDArray> expAvg = new ArrayList<>(), expAvgSq = new ArrayList<>();
        private long steps;

        Network(NDManager m, SplittableRandom random) {
            params = List.of(FashionMnist.uniform(m, random, 9, 16, 1, 3, 3), FashionMnist.uniform(m, random, 9, 16),
                    FashionMnist.uniform(m, random, 16 * 9, 32, 16, 3, 3), FashionMnist.uniform(m, random, 16 * 9, 32),
                    FashionMnist.uniform(m, random, 32 * 7 * 7, 128, 32 * 7 * 7), FashionMnist.uniform(m, random, 32 * 7 * 7, 128),
                    FashionMnist.uniform(m, random, 128, FashionMnist.CLASSES, 128), FashionMnist.uniform(m, random, 128, FashionMnist.CLASSES));
            for (NDArray p : params) {
                expAvg.add(m.zeros(p.getShape()));
                expAvgSq.add(m.zeros(p.getShape()));
            }
        }

        @Override
        public List<NDArray> params() {
            return params;
        }

        @Override
        public NDArray logits(NDArray x) {
            PtNDArray h = (PtNDArray) x.reshape(-1, 1, 28, 28);
            h = JniUtils.maxPool(JniUtils.relu(JniUtils.convolution(h, p(0), p(1), ONE, ONE, ONE, 1)), TWO, TWO, NONE, false);
            h = JniUtils.maxPool(JniUtils.relu(JniUtils.convolution(h, p(2), p(3), ONE, ONE, ONE, 1)), TWO, TWO, NONE, false);
            h = JniUtils.relu(JniUtils.linear(JniUtils.flatten(h, 1, -1), p(4), p(5)));
            return JniUtils.linear(h, p(6), p(7));
        }

        private PtNDArray p(int i) {
            return (PtNDArray) params.get(i);
        }

        /**
         * Adam as torch.optim.Adam's single-tensor step: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
         * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), in place; then the gradient zeroed.
         */
        @Override
        public void step() {
            steps++;
            double correction1 = 1 - Math.pow(BETA1, steps), correction2 = 1 - Math.pow(BETA2, steps);
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i), g = JniUtils.getGradient((PtNDArray) p), m = expAvg.get(i), v = expAvgSq.get(i);
                m.muli(BETA1).addi(g.mul(1 - BETA1));
                v.muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
                NDArray denom = v.sqrt().divi(Math.sqrt(correction2)).addi(EPS);
                p.subi(m.div(denom).muli(LR / correction1));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        FashionMnist.main("FashionCnn", args, EPOCHS, Network::new);
    }
}
