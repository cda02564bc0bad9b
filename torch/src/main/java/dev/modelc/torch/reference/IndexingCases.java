package dev.modelc.torch.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Integer-tensor indexing {@code t[ids]} of tables of rank 1, 2 and 3 with ids of rank 1 and 2,
 * {@code gather} along every axis of rank-2 and rank-3 operands, and the embedding lookup
 * ({@code F.embedding}, what the prelude's {@code Embedding} computes): every case repeats some
 * ids and leaves some rows unpicked, so the gradient shows the accumulation and the zeros. The
 * result is cubed, so the gradient depends on x and the Hessian-vector product is not zero. The
 * ids are constants in both spellings (modelc's integer list, PyTorch's {@code torch.tensor}).
 */
final class IndexingCases {
    private IndexingCases() {
    }

    static List<StatisticsCase> all() {
        SplittableRandom random = new SplittableRandom(20261205);
        List<StatisticsCase> cases = new ArrayList<>();
        // t[ids]: PyTorch's advanced indexing along axis 0 (aten::index).
        cases.add(rows(random, "[0, 3, 3, 1, 3]", new int[] {5}));
        cases.add(rows(random, "[[0, 2, 2], [3, 0, 2]]", new int[] {4, 2}));
        cases.add(rows(random, "[2, 2, 0]", new int[] {3, 3}));
        cases.add(rows(random, "[[1, 1], [0, 1]]", new int[] {3, 2, 2}));
        // gather(x, idx, axis = k) is torch.gather(x, k, idx): idx no longer than x on the other axes.
        cases.add(gather(random, "[[2, 2, 0], [1, 1, 1]]", 1, new int[] {2, 3}));
        cases.add(gather(random, "[[1, 0, 1], [1, 1, 0]]", 0, new int[] {2, 3}));
        cases.add(gather(random, "[[0, 0]]", 0, new int[] {3, 2}));
        cases.add(gather(random, "[[[1, 0], [2, 2]], [[0, 0], [1, 2]]]", 1, new int[] {2, 3, 2}));
        cases.add(gather(random, "[[[1, 1], [0, 1], [1, 0]]]", 0, new int[] {2, 3, 2}));
        cases.add(gather(random, "[[[3, 3, 0]], [[1, 2, 1]]]", 2, new int[] {2, 2, 4}));
        // The embedding lookup of a makemore-like batch: 3 contexts of 3 tokens in a table of 6 rows of 2.
        int[] table = {6, 2};
        String ids = "[[0, 0, 5], [0, 5, 1], [5, 1, 1]]";
        cases.add(of(random, "embedding", "x[" + ids + "] ** 3", "torch.embedding(x, torch.tensor(" + ids + ")) ** 3", table));
        return List.copyOf(cases);
    }

    private static StatisticsCase rows(SplittableRandom random, String ids, int[] shape) {
        return of(random, "rows", "x[" + ids + "] ** 3", "x[torch.tensor(" + ids + ")] ** 3", shape);
    }

    private static StatisticsCase gather(SplittableRandom random, String idx, int axis, int[] shape) {
        return of(random, "gather", "gather(x, " + idx + ", axis = " + axis + ") ** 3",
                "torch.gather(x, " + axis + ", torch.tensor(" + idx + ")) ** 3", shape);
    }

    /** Values uniform in [-2, 2), rounded to 6 decimals (exact in f64 on both sides). */
    private static StatisticsCase of(SplittableRandom random, String name, String call, String torch, int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.round(random.nextDouble(-2, 2) * 1e6) / 1e6;
        return new StatisticsCase(name, call, torch, shape, x);
    }
}
