package dev.modelc.torch.reference;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes PyTorch's values of max and average pooling, prod, cumsum and einsum in float64 as JSON,
 * in {@link StatisticsReference}'s format (value, gradient of a weighted sum, Hessian-vector
 * product). Run by {@code scripts/torch-reference}; the argument is the file to write.
 */
public final class PoolingReference {
    private PoolingReference() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PoolingReference <fixture.json>");
            System.exit(2);
        }
        StatisticsReference.write(Path.of(args[0]), PoolingCases.all(), "PoolingReference",
                "(torch.max_pool1d/2d, torch.avg_pool1d/2d, torch.prod, torch.cumsum, torch.einsum)");
    }
}
