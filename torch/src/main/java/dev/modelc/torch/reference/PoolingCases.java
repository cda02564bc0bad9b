package dev.modelc.torch.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pooling (max and average, 1-D and 2-D, with strides, paddings and ties), prod (with zeros: one
 * and two in a row), cumsum and einsum (docs/language.md, Pooling and Products) over a few shapes.
 * einsum's operands are all {@code x}, the one input of the format.
 */
final class PoolingCases {
    private PoolingCases() {
    }

    static List<StatisticsCase> all() {
        SplittableRandom random = new SplittableRandom(20261206);
        List<StatisticsCase> cases = new ArrayList<>();
        int[] seq = {2, 3, 7}, img = {2, 2, 5, 6}, m34 = {3, 4}, t234 = {2, 3, 4}, sq = {3, 3}, b33 = {2, 3, 3};
        // torch.max_pool1d(x, kernel, stride, padding, dilation, ceil_mode); max_pool2d likewise with pairs.
        cases.add(of(random, "max_pool1d", "max_pool1d(x, 2)", "torch.max_pool1d(x, [2], [2], [0], [1], False)", seq));
        cases.add(of(random, "max_pool1d", "max_pool1d(x, 3, stride = 2, padding = 1)", "torch.max_pool1d(x, [3], [2], [1], [1], False)", seq));
        cases.add(of(random, "max_pool2d", "max_pool2d(x, 2)", "torch.max_pool2d(x, [2, 2], [2, 2], [0, 0], [1, 1], False)", img));
        cases.add(of(random, "max_pool2d", "max_pool2d(x, 3, stride = 1, padding = 1)",
                "torch.max_pool2d(x, [3, 3], [1, 1], [1, 1], [1, 1], False)", img));
        cases.add(of(random, "max_pool2d", "max_pool2d(x, [2, 3], stride = [1, 2], padding = [1, 0])",
                "torch.max_pool2d(x, [2, 3], [1, 2], [1, 0], [1, 1], False)", img));
        // Windows that tile the input (stride = kernel, no padding, sizes multiples of it): modelc's reduction form.
        cases.add(of(random, "max_pool1d", "max_pool1d(x, 2)", "torch.max_pool1d(x, [2], [2], [0], [1], False)", new int[] {2, 3, 8}));
        cases.add(of(random, "max_pool2d", "max_pool2d(x, [2, 3])", "torch.max_pool2d(x, [2, 3], [2, 3], [0, 0], [1, 1], False)",
                new int[] {2, 2, 4, 6}));
        cases.add(new StatisticsCase("max_pool2d_ties", "max_pool2d(x, 2)", "torch.max_pool2d(x, [2, 2], [2, 2], [0, 0], [1, 1], False)",
                new int[] {1, 1, 2, 4}, new double[] {1, 3, 2, 2, 3, 3, 2, 1}));
        // Ties (small integers): the gradient goes to the first maximum of each window in row-major order.
        cases.add(new StatisticsCase("max_pool2d_ties", "max_pool2d(x, 2, stride = 1)",
                "torch.max_pool2d(x, [2, 2], [1, 1], [0, 0], [1, 1], False)", new int[] {1, 1, 3, 4},
                new double[] {1, 2, 2, 0, 2, 2, 1, 2, 0, 2, 2, 1}));
        cases.add(new StatisticsCase("max_pool1d_ties", "max_pool1d(x, 3, stride = 1, padding = 1)",
                "torch.max_pool1d(x, [3], [1], [1], [1], False)", new int[] {1, 6}, new double[] {1, 1, 1, 0, 3, 3}));
        // torch.avg_pool1d(x, kernel, stride, padding, ceil_mode, count_include_pad), avg_pool2d likewise with pairs.
        cases.add(of(random, "avg_pool1d", "avg_pool1d(x, 3)", "torch.avg_pool1d(x, [3], [3], [0], False, True)", seq));
        cases.add(of(random, "avg_pool1d", "avg_pool1d(x, 2, stride = 1, padding = 1)", "torch.avg_pool1d(x, [2], [1], [1], False, True)", seq));
        cases.add(of(random, "avg_pool2d", "avg_pool2d(x, 2)", "torch.avg_pool2d(x, [2, 2], [2, 2], [0, 0], False, True)", img));
        cases.add(of(random, "avg_pool2d", "avg_pool2d(x, [2, 3])", "torch.avg_pool2d(x, [2, 3], [2, 3], [0, 0], False, True)",
                new int[] {2, 2, 4, 6}));
        cases.add(of(random, "avg_pool1d", "avg_pool1d(x, 4)", "torch.avg_pool1d(x, [4], [4], [0], False, True)", new int[] {2, 3, 8}));
        cases.add(of(random, "avg_pool2d", "avg_pool2d(x, [3, 2], stride = [2, 1], padding = 1)",
                "torch.avg_pool2d(x, [3, 2], [2, 1], [1, 1], False, True)", img));
        // torch.prod(x), torch.prod(x, dim, keepdim).
        cases.add(of(random, "prod", "prod(x)", "torch.prod(x)", new int[] {7}));
        cases.add(of(random, "prod", "prod(x, axis = 1)", "torch.prod(x, 1)", m34));
        cases.add(of(random, "prod", "prod(x, axis = -1, keepdims = true)", "torch.prod(x, -1, True)", t234));
        cases.add(of(random, "prod", "prod(x, axis = 0)", "torch.prod(x, 0)", new int[] {5, 2}));
        // Rows with no zero, one zero and two zeros: the gradient is the product of the others.
        cases.add(new StatisticsCase("prod_zeros", "prod(x, axis = 1)", "torch.prod(x, 1)", m34,
                new double[] {1.5, -2, 0.5, 3, 2, 0, -1.25, 0.75, 0, 1.5, 0, -2}));
        // torch.cumsum(x, dim).
        cases.add(of(random, "cumsum", "cumsum(x, axis = 0)", "torch.cumsum(x, 0)", new int[] {6}));
        cases.add(of(random, "cumsum", "cumsum(x, axis = 1)", "torch.cumsum(x, 1)", m34));
        cases.add(of(random, "cumsum", "cumsum(x, axis = -1)", "torch.cumsum(x, -1)", t234));
        cases.add(of(random, "cumsum", "cumsum(x, axis = 0)", "torch.cumsum(x, 0)", t234));
        // torch.einsum(equation, [operands]): products, transposes, diagonals, traces, implicit outputs.
        cases.add(of(random, "einsum", "einsum(\"ij,kj->ik\", x, x)", "torch.einsum(\"ij,kj->ik\", [x, x])", m34));
        cases.add(of(random, "einsum", "einsum(\"ij,jk\", x, x)", "torch.einsum(\"ij,jk\", [x, x])", sq));
        cases.add(of(random, "einsum", "einsum(\"ij->ji\", x)", "torch.einsum(\"ij->ji\", [x])", m34));
        cases.add(of(random, "einsum", "einsum(\"ii\", x)", "torch.einsum(\"ii\", [x])", sq));
        cases.add(of(random, "einsum", "einsum(\"ii->i\", x)", "torch.einsum(\"ii->i\", [x])", sq));
        cases.add(of(random, "einsum", "einsum(\"bij,bjk->bik\", x, x)", "torch.einsum(\"bij,bjk->bik\", [x, x])", b33));
        cases.add(of(random, "einsum", "einsum(\"ijk,ijk->j\", x, x)", "torch.einsum(\"ijk,ijk->j\", [x, x])", t234));
        cases.add(of(random, "einsum", "einsum(\"ij,ik,il->jkl\", x, x, x)", "torch.einsum(\"ij,ik,il->jkl\", [x, x, x])", new int[] {2, 3}));
        cases.add(of(random, "einsum", "einsum(\"bii->b\", x)", "torch.einsum(\"bii->b\", [x])", b33));
        cases.add(of(random, "einsum", "einsum(\"ij,ij->\", x, x)", "torch.einsum(\"ij,ij->\", [x, x])", m34));
        return List.copyOf(cases);
    }

    /** Values uniform in [-3, 3), rounded to 6 decimals (exact in f64 on both sides). */
    private static StatisticsCase of(SplittableRandom random, String name, String call, String torch, int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.round(random.nextDouble(-3, 3) * 1e6) / 1e6;
        return new StatisticsCase(name, call, torch, shape, x);
    }
}
