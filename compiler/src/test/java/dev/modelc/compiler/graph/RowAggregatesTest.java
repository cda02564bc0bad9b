package dev.modelc.compiler.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which losses combine exactly over batches, and that they do: for each loss, its kind, and, for
 * the exact kinds, the batches' values combined (sums added, means weighted by rows) equal to the
 * loss on all rows at once, on 23 rows in batches of 5 (the last of 3), in f64.
 */
class RowAggregatesTest {
    private static CheckedModel checked(String loss) {
        String source = """
                model M {
                  input x: f64[N, 4]
                  input y: i32[N]
                  param w: f64[4, 3] = randn()
                  z = x @ w
                  loss = %s
                }
                """.formatted(loss);
        Compilation c = Compiler.compile(new SourceFile("m.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static TensorDataset data() {
        Generator g = Generator.of(4, "rows");
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", Tensor.randn(DType.F64, g, 23, 4));
        double[] labels = new double[23];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 3;
        columns.put("y", Tensor.of(DType.I32, new int[] {23}, labels));
        return new TensorDataset(columns);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mse_loss(z, 0.5 * z + 1)                           | MEAN",
            "cross_entropy(z, y)                                | MEAN",
            "-mean(sum(log_softmax(z, axis = -1), axis = -1))   | MEAN",
            "mean(z ** 2) + 0.01 * sum(w ** 2)                  | MEAN",
            "3 * mean(abs(z)) - mean(z)                         | MEAN",
            "sum(z ** 2)                                        | SUM",
            "sum(tanh(z)) * 0.5 - sum(z)                        | SUM",
            "sum(z) / f64(size(x, 0))                           | MEAN",
            "mean(reshape(x, [size(x, 0), 2, 2]) ** 2)          | MEAN",
            "mean(f64(argmax(z, axis = -1) == y))               | MEAN",
            "sum(z ** 2) + sum(w ** 2)                          | BATCH_MEAN",
            "sum(x.T @ x) / f64(size(x, 0)) + mean(w)           | MEAN",
            "sqrt(mean(z ** 2))                                 | BATCH_MEAN",
            "max(z)                                             | BATCH_MEAN",
            "mean((z - mean(z, axis = 0)) ** 2)                 | BATCH_MEAN",
            "mean(x[1:, :] - x[:-1, :]) + mean(z)               | BATCH_MEAN",
            "sum(x.T @ x)                                       | SUM",
            "mean(z) * mean(z)                                  | BATCH_MEAN",
            "mean(f64(arange(size(x, 0))) * z[:, 0])            | BATCH_MEAN",
            "sum(broadcast_to(z[:, 0:1], [size(x, 0), size(x, 0)])) | BATCH_MEAN",
            "sum(ones([size(x, 0) - 1])) + sum(z)               | BATCH_MEAN",
            "sum(ones([size(x, 0)])) + sum(z)                   | SUM",
    })
    void lossesCombineOverBatchesAsTheirKindSays(String loss, RowAggregate expected) {
        CheckedModel checked = checked(loss);
        assertEquals(expected, RowAggregates.ofLoss(checked.graph()), loss);

        InterpretedModel m = new InterpretedModel(checked);
        Map<String, Tensor> params = m.initialParams(2);
        TensorDataset data = data();
        double whole = m.loss(params, data.columns()).item();
        double batched = Trainer.loss(m, params, data, 5, expected);
        if (expected.exact()) {
            assertEquals(whole, batched, 1e-12 * Math.max(1, Math.abs(whole)), loss);
        } else {
            assertNotEquals(whole, batched, "a loss that does combine exactly is missed: " + loss);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "accuracy(z, y)        | MEAN",
            "sum(f64(y == 1))      | SUM",
            "f64(size(x, 0))       | SUM",
            "mean(z)               | MEAN",
    })
    void scalarOutputsToo(String output, RowAggregate expected) {
        String source = """
                model M {
                  input x: f64[N, 4]
                  input y: i32[N]
                  param w: f64[4, 3] = randn()
                  z = x @ w
                  output o = %s
                  loss = mean(z ** 2)
                }
                """.formatted(output);
        Compilation c = Compiler.compile(new SourceFile("m.model", source));
        assertFalse(c.hasErrors(), c::render);
        Graph g = c.program().orElseThrow().models().getFirst().graph();
        assertEquals(expected, RowAggregates.of(g, g.output(Graph.Role.OUTPUT, "o").orElseThrow().node()), output);
    }
}
