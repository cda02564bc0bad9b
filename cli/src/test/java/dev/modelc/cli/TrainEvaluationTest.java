package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Driver;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code train} prints of an evaluation (the final loss and scalar outputs on the training
 * data, the {@code --val} loss and outputs) equals what separate passes give with the saved
 * params: the loss over the batches, then each output's forward over them, combined as its
 * aggregate says. (That the trainer makes them one pass is {@code TrainerEvaluationTest}'s
 * forward count; here the numbers as printed.)
 */
class TrainEvaluationTest {
    @TempDir
    Path dir;

    /** A mean, a count, a root mean square (a batch mean) and an output the data cannot compute (it needs z). */
    private static final String MODEL = """
            model Classes {
              input x: f64[N, 2]
              input y: i32[N]
              input z: f64[N]
              param w: f64[2, 3] = uniform(-1, 1)
              logits = x @ w
              output accuracy = mean(f64(argmax(logits, axis = -1) == y))
              output hits = sum(i32(argmax(logits, axis = -1) == y))
              output rms = sqrt(mean(logits ** 2))
              output shifted = mean(z) + sum(w)
              loss = cross_entropy(logits, y)
              train { optimizer = sgd(lr = 0.5) }
            }
            """;

    private static Map<String, Tensor> rows(int n, long seed) {
        Generator g = Generator.of(seed, "rows");
        Tensor x = Tensor.randn(DType.F64, g, n, 2);
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) labels[i] = (x.getDouble(2 * i) > 0 ? 1 : 0) + (x.getDouble(2 * i + 1) > 0.5 ? 1 : 0);
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", x);
        columns.put("y", Tensor.of(DType.I32, new int[] {n}, labels));
        return columns;
    }

    /** The scalars as the separate passes found them: {@code ", accuracy 0.5000, hits 4, rms 1.2345 (batch mean)"}. */
    private static String separately(CheckedModel checked, CompiledModel m, Map<String, Tensor> params, TensorDataset data, int batch,
                                     String prefix) {
        StringBuilder sb = new StringBuilder();
        for (String o : List.of("accuracy", "hits", "rms")) {
            RowAggregate how = Driver.outputAggregate(checked, o);
            RowAggregate.Accumulator acc = how.accumulator();
            for (int from = 0; from < data.size(); from += batch) {
                int to = Math.min(data.size(), from + batch);
                acc.add(m.forward(params, to - from == data.size() ? data.columns() : data.slice(from, to)).get(o).item(), to - from);
            }
            double v = acc.value();
            sb.append(", ").append(prefix).append(o).append(' ').append(o.equals("hits") ? Long.toString((long) v) : TrainProgress.fixed4(v))
                    .append(how.exact() || batch >= data.size() ? "" : " (batch mean)");
        }
        return sb.toString();
    }

    @Test
    void thePrintedNumbersAreThoseOfTheSeparatePasses() throws Exception {
        Path model = Files.writeString(dir.resolve("classes.model"), MODEL);
        Map<String, Tensor> train = rows(11, 1), val = rows(7, 2);
        Npy.write(dir.resolve("x.npy"), train.get("x"));
        Npy.write(dir.resolve("y.npy"), train.get("y"));
        Npy.write(dir.resolve("vx.npy"), val.get("x"));
        Npy.write(dir.resolve("vy.npy"), val.get("y"));
        Path saved = dir.resolve("p.npz");
        Cli.Result r = Cli.modelc("train", model.toString(), "--data", "x=" + dir.resolve("x.npy"), "--data", "y=" + dir.resolve("y.npy"),
                "--val", "x=" + dir.resolve("vx.npy"), "--val", "y=" + dir.resolve("vy.npy"), "--epochs", "3", "--batch", "3",
                "--save", saved.toString());
        r.assertNoStackTrace();
        assertEquals(Main.OK, r.code(), r.err());

        Compilation c = Compiler.compile(new SourceFile("classes.model", MODEL));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel checked = c.program().orElseThrow().models().getFirst();
        CompiledModel m = Backend.DEFAULT.compile(checked, null);
        // The data lack z, which the model's forward needs: the outputs' separate pass is a model of them alone, as it was.
        CompiledModel outputs = Driver.outputsModel(checked, List.of("accuracy", "hits", "rms"), Backend.DEFAULT, null, 0);
        Map<String, Tensor> params = new LinkedHashMap<>();
        Npz.read(saved).forEach((k, v) -> {
            if (!k.startsWith("training/")) params.put(k, v);
        });
        TensorDataset data = new TensorDataset(train), held = new TensorDataset(val);
        RowAggregate how = Driver.lossAggregate(checked);
        String expected = "; final loss " + TrainProgress.fixed4(Trainer.loss(m, params, data, 3, how))
                + separately(checked, outputs, params, data, 3, "")
                + "; val loss " + TrainProgress.fixed4(Trainer.loss(m, params, held, 3, how))
                + separately(checked, outputs, params, held, 3, "val ") + "\n";
        String last = r.out().lines().filter(l -> l.startsWith("trained Classes")).findFirst().orElseThrow() + "\n";
        assertTrue(last.endsWith(expected), () -> last + "expected it to end with\n" + expected);
        assertTrue(expected.contains(" (batch mean)"), expected);
        assertFalse(last.contains("shifted"), "an output whose inputs the data lacks is left out");
    }
}
