package dev.modelc.torch.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * var, std, layer_norm and norm (docs/language.md, Reductions) over a few shapes and axes, with
 * and without keepdims, correction 0 and 1, several eps and p = 1, 2, 3; and norm at a zero
 * vector and at a vector with zeros in it, where PyTorch's gradient is defined as 0.
 */
final class StatisticsCases {
    private StatisticsCases() {
    }

    static List<StatisticsCase> all() {
        SplittableRandom random = new SplittableRandom(20261205);
        int[] v6 = {6}, m23 = {2, 3}, m34 = {3, 4}, t234 = {2, 3, 4};
        List<StatisticsCase> cases = new ArrayList<>();
        // var and std: torch.var(x, dim, correction=, keepdim=), dim=None for every axis.
        cases.add(of(random, "var", "var(x)", "torch.var(x, None, correction=1)", v6));
        cases.add(of(random, "var", "var(x, correction = 0)", "torch.var(x, None, correction=0)", m23));
        cases.add(of(random, "var", "var(x, axis = 1)", "torch.var(x, [1], correction=1)", m34));
        cases.add(of(random, "var", "var(x, axis = 0, correction = 0, keepdims = true)", "torch.var(x, [0], correction=0, keepdim=True)", m34));
        cases.add(of(random, "var", "var(x, axis = [0, 2])", "torch.var(x, [0, 2], correction=1)", t234));
        cases.add(of(random, "var", "var(x, axis = -1, correction = 2)", "torch.var(x, [-1], correction=2)", t234));
        cases.add(of(random, "std", "std(x)", "torch.std(x, None, correction=1)", v6));
        cases.add(of(random, "std", "std(x, axis = 1, correction = 0)", "torch.std(x, [1], correction=0)", m34));
        cases.add(of(random, "std", "std(x, axis = -1, keepdims = true)", "torch.std(x, [-1], correction=1, keepdim=True)", t234));
        cases.add(of(random, "std", "std(x, axis = [1, 2], correction = 0)", "torch.std(x, [1, 2], correction=0)", t234));
        // layer_norm: torch.layer_norm(x, normalized_shape, weight, bias, eps, cudnn_enable) over the trailing axes.
        cases.add(of(random, "layer_norm", "layer_norm(x)", "torch.layer_norm(x, [4], None, None, 1e-05, False)", m34));
        cases.add(of(random, "layer_norm", "layer_norm(x, eps = 0)", "torch.layer_norm(x, [3], None, None, 0.0, False)", m23));
        cases.add(of(random, "layer_norm", "layer_norm(x, axis = [1, 2], eps = 0.001)",
                "torch.layer_norm(x, [3, 4], None, None, 0.001, False)", t234));
        cases.add(of(random, "layer_norm", "layer_norm(x, axis = [0, 1], eps = 0.1)", "torch.layer_norm(x, [2, 3], None, None, 0.1, False)", m23));
        // norm: torch.linalg.vector_norm(x, ord, dim, keepdim), spelled linalg_vector_norm in TorchScript archives.
        cases.add(of(random, "norm", "norm(x)", "torch.linalg_vector_norm(x, 2.0)", v6));
        cases.add(of(random, "norm", "norm(x, p = 1)", "torch.linalg_vector_norm(x, 1.0)", m23));
        cases.add(of(random, "norm", "norm(x, p = 3)", "torch.linalg_vector_norm(x, 3.0)", m23));
        cases.add(of(random, "norm", "norm(x, axis = 1)", "torch.linalg_vector_norm(x, 2.0, [1])", m34));
        cases.add(of(random, "norm", "norm(x, p = 1, axis = 0, keepdims = true)", "torch.linalg_vector_norm(x, 1.0, [0], True)", m34));
        cases.add(of(random, "norm", "norm(x, p = 3, axis = [0, 2])", "torch.linalg_vector_norm(x, 3.0, [0, 2])", t234));
        cases.add(of(random, "norm", "norm(x, p = 1.5, axis = -1)", "torch.linalg_vector_norm(x, 1.5, [-1])", t234));
        // At zero: the whole vector, and rows of which one is zero and one has zero entries.
        for (double p : new double[] {2, 1, 3}) {
            String call = p == 2 ? "norm(x)" : "norm(x, p = " + (int) p + ")";
            cases.add(new StatisticsCase("norm_at_zero", call, "torch.linalg_vector_norm(x, " + p + ")", v6, new double[6]));
        }
        cases.add(new StatisticsCase("norm_at_zero", "norm(x, axis = 1)", "torch.linalg_vector_norm(x, 2.0, [1])", m23,
                new double[] {0, 0, 0, 0.5, 0, -2}));
        return List.copyOf(cases);
    }

    /** Values uniform in [-3, 3), rounded to 6 decimals so the fixture reads easily (each is still exact in f64 on both sides). */
    private static StatisticsCase of(SplittableRandom random, String name, String call, String torch, int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.round(random.nextDouble(-3, 3) * 1e6) / 1e6;
        return new StatisticsCase(name, call, torch, shape, x);
    }
}
