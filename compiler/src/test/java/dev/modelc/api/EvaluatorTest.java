package dev.modelc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.train.Evaluator;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Driver#evaluator}: the loss and scalar outputs in one pass give, bit for bit, what the
 * separate passes gave ({@link Trainer#loss} on the model's loss, then its forward for the
 * scalars, combined as each output's aggregate says), on every JVM backend, for one batch and
 * for several with a remainder.
 */
class EvaluatorTest {
    /** Outputs of every aggregate, one that needs an input the loss does not, f64. */
    private static final String MIXED = """
            model Mixed {
              input x: f64[N, 2]
              input y: i32[N]
              input t: f64[N]
              param w: f64[2, 3] = uniform(-1, 1)
              logits = x @ w
              output preds = argmax(logits, axis = -1)
              output accuracy = mean(f64(argmax(logits, axis = -1) == y))
              output hits = sum(i32(argmax(logits, axis = -1) == y))
              output total = sum(t)
              output spread = max(logits) - min(logits)
              loss = cross_entropy(logits, y)
            }
            """;

    /** Batch norm and dropout: two programs, the evaluation's reads the running statistics; an output that is the loss. */
    private static final String MODAL = """
            model Modal {
              input x: f32[N, 4]
              input y: i32[N]
              fc = Linear(4, 8)
              bn = BatchNorm1d(8)
              drop = Dropout(0.5)
              out = Linear(8, 3)
              logits = out(drop(relu(bn(fc(x)))))
              output accuracy = mean(f32(argmax(logits, axis = -1) == y))
              output ce = cross_entropy(logits, y)
              loss = cross_entropy(logits, y)
            }
            """;

    /** An output named as the loss is. */
    private static final String NAMED = """
            model Named {
              input x: f32[N, 3]
              input y: f32[N]
              param w: f32[3] = uniform(-1, 1)
              output loss = mean(abs(x @ w - y))
              loss mse = mse_loss(x @ w, y)
            }
            """;

    private static CheckedModel parse(String name, String source) {
        Compilation c = Compiler.compile(new SourceFile(name, source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static CheckedModel sample(String path) throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path f = p.resolve("samples").resolve(path);
            if (Files.isRegularFile(f)) return parse(path, Files.readString(f));
        }
        throw new IllegalStateException("no samples/" + path + " at or above " + dir);
    }

    /** Random rows for every input of {@code m}: floats in [0, 1), class labels below {@code classes}. */
    private static TensorDataset rows(CompiledModel m, int n, int classes, long seed) {
        Generator g = Generator.of(seed, "rows");
        Map<String, Tensor> columns = new LinkedHashMap<>();
        for (TensorSpec s : m.inputs()) {
            int[] shape = new int[s.dims().size()];
            shape[0] = n;
            for (int i = 1; i < shape.length; i++) shape[i] = (int) ((Size.Fixed) s.dims().get(i)).value();
            Tensor r = Tensor.rand(s.dtype().isFloating() ? s.dtype() : DType.F64, g, shape);
            if (s.dtype().isFloating()) {
                columns.put(s.name(), r);
            } else {
                double[] labels = new double[r.numel()];
                for (int i = 0; i < labels.length; i++) labels[i] = Math.floor(r.getDouble(i) * classes);
                columns.put(s.name(), Tensor.of(s.dtype(), shape, labels));
            }
        }
        return new TensorDataset(columns);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Backend b : List.of(Backend.BYTECODE, Backend.JAVA, Backend.INTERP)) {
            out.add(Arguments.of("fashion-mnist/quickstart.model", List.of("accuracy"), b, 10));
            out.add(Arguments.of("fashion-mnist/cnn.model", List.of("accuracy"), b, 10));
            out.add(Arguments.of("mixed", List.of("accuracy", "hits", "total", "spread"), b, 3));
            out.add(Arguments.of("modal", List.of("accuracy", "ce"), b, 3));
            out.add(Arguments.of("named", List.of("loss"), b, 1));
        }
        return out.stream();
    }

    private static CheckedModel model(String which) throws IOException {
        return switch (which) {
            case "mixed" -> parse("mixed.model", MIXED);
            case "modal" -> parse("modal.model", MODAL);
            case "named" -> parse("named.model", NAMED);
            default -> sample(which);
        };
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("cases")
    void onePassGivesTheSeparatePassesBits(String which, List<String> scalars, Backend backend, int classes) throws IOException {
        CheckedModel checked = model(which);
        CompiledModel m = backend.compile(checked, null);
        Evaluator e = Driver.evaluator(checked, scalars, backend, null, 0);
        Map<String, Tensor> params = m.initialParams(3);
        TensorDataset data = rows(m, 23, classes, 5);
        for (int batch : new int[] {23, 40, 8, 5}) {
            Evaluator.Evaluated got = e.evaluate(params, data, batch);
            // The separate passes, as modelc train made them: the loss entry point, then forward for the scalars.
            double loss = Trainer.loss(m.inMode(Mode.EVALUATION), params, data, batch, Driver.lossAggregate(checked));
            assertEquals(Double.doubleToLongBits(loss), Double.doubleToLongBits(got.loss()),
                    () -> which + " batch " + batch + ": loss " + loss + " alone, " + got.loss() + " with the outputs");
            for (int i = 0; i < scalars.size(); i++) {
                String o = scalars.get(i);
                RowAggregate how = Driver.outputAggregate(checked, o);
                RowAggregate.Accumulator acc = how.accumulator();
                for (int from = 0; from < data.size(); from += batch) {
                    int to = Math.min(data.size(), from + batch);
                    acc.add(m.forward(params, to - from == data.size() ? data.columns() : data.slice(from, to)).get(o).item(), to - from);
                }
                Evaluator.Value v = got.outputs().get(i);
                assertEquals(o, v.name());
                assertEquals(Double.doubleToLongBits(acc.value()), Double.doubleToLongBits(v.value()),
                        which + " batch " + batch + ": " + o + " " + acc.value() + " by forward, " + v.value() + " with the loss");
                assertEquals(!how.exact() && batch < data.size(), v.batchMean(), o);
            }
        }
    }

    @Test
    void theLossTakesAFreshNameBesideAnOutputNamedAsItIs() {
        Evaluator e = Driver.evaluator(parse("named.model", NAMED), List.of("loss"), Backend.BYTECODE, null, 0);
        assertEquals("mse", e.lossOutput());
        Evaluator both = Driver.evaluator(parse("mixed.model", MIXED.replace("output total", "output loss")),
                List.of("loss"), Backend.BYTECODE, null, 0);
        assertEquals("loss_", both.lossOutput());
        assertEquals(List.of("loss", "loss_"), both.model().outputs());
    }

    @Test
    void aModelOfTheScalarsNeedsOnlyTheirInputsAndTheLoss() {
        Evaluator e = Driver.evaluator(parse("mixed.model", MIXED), List.of("accuracy"), Backend.BYTECODE, null, 0);
        assertEquals(List.of("x", "y"), e.model().inputs().stream().map(TensorSpec::name).toList());
        assertThrows(IllegalArgumentException.class,
                () -> Driver.evaluator(parse("mixed.model", MIXED), List.of("preds"), Backend.BYTECODE, null, 0));
        assertThrows(NoSuchElementException.class,
                () -> Driver.evaluator(parse("mixed.model", MIXED), List.of("none"), Backend.BYTECODE, null, 0));
        assertThrows(IllegalArgumentException.class, () -> Driver.evaluator(parse("plain.model", """
                model Plain {
                  input x: f32[N]
                  output m = mean(x)
                }
                """), List.of("m"), Backend.BYTECODE, null, 0));
    }
}
