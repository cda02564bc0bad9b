package dev.modelc.torch.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PyTorch's "Learn the Basics" quickstart, trained by libtorch: the peer of
 * {@code samples/fashion-mnist/quickstart.model} under {@code modelc train}. The same network
 * (flatten, Linear 784-512, ReLU, Linear 512-512, ReLU, Linear 512-10), nn.Linear's default
 * initialization (weights and biases uniform in +-1/sqrt(fan_in)), pixels / 255 as ToTensor
 * gives them, cross-entropy (log_softmax then the label's entry, averaged over the batch), SGD
 * with lr 1e-3 on shuffled batches of 64, 5 epochs; the loop and the per-epoch evaluation are
 * {@link FashionMnist}'s. Run by {@code scripts/torch-quickstart}.
 */
public final class Quickstart {
    private static final int EPOCHS = 5;
    private static final float LR = 1e-3f;

    private Quickstart() {
    }

    /** The network's params, each with autograd recording its gradient. */
    private record Network(List<NDArray> params) implements FashionMnist.Network {
        static Network init(NDManager m, SplittableRandom random) {
            int pixels = FashionMnist.PIXELS, classes = FashionMnist.CLASSES;
            return new Network(List.of(FashionMnist.uniform(m, random, pixels, 512, pixels), FashionMnist.uniform(m, random, pixels, 512),
                    FashionMnist.uniform(m, random, 512, 512, 512), FashionMnist.uniform(m, random, 512, 512),
                    FashionMnist.uniform(m, random, 512, classes, 512), FashionMnist.uniform(m, random, 512, classes)));
        }

        @Override
        public NDArray logits(NDArray x) {
            PtNDArray h = JniUtils.relu(JniUtils.linear((PtNDArray) x, p(0), p(1)));
            h = JniUtils.relu(JniUtils.linear(h, p(2), p(3)));
            return JniUtils.linear(h, p(4), p(5));
        }

        private PtNDArray p(int i) {
            return (PtNDArray) params.get(i);
        }

        /** SGD: p -= lr * p.grad, and the gradient zeroed in place (DJL's zeroGrad). */
        @Override
        public void step() {
            for (NDArray p : params) {
                NDArray g = JniUtils.getGradient((PtNDArray) p);
                p.subi(g.mul(LR));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        FashionMnist.main("Quickstart", args, EPOCHS, Network::init);
    }
}
