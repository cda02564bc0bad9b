package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Driver;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Evaluator;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss after each epoch: evaluated a batch at a time, after the epoch's checkpoint is written. */
class TrainerEvaluationTest {
    private static final String SOURCE = """
            model Line {
              input x: f64[N, 2]
              input y: f64[N]
              param w: f64[2] = zeros()
              output mae = mean(abs(x @ w - y))
              loss = mse_loss(x @ w, y)
            }
            """;

    /** The interpreted model, recording the rows of every batch its loss is evaluated on, and failing when told. */
    private static final class Watched implements CompiledModel {
        final CheckedModel checked;
        final InterpretedModel inner;
        final List<Integer> evaluatedRows = new ArrayList<>();
        boolean exhausted;

        Watched() {
            Compilation c = Compiler.compile(new SourceFile("line.model", SOURCE));
            assertFalse(c.hasErrors(), c::render);
            checked = c.program().orElseThrow().models().getFirst();
            inner = new InterpretedModel(checked);
        }

        public String name() { return inner.name(); }
        public List<TensorSpec> inputs() { return inner.inputs(); }
        public List<TensorSpec> params() { return inner.params(); }
        public List<String> outputs() { return inner.outputs(); }
        public boolean hasLoss() { return inner.hasLoss(); }
        public boolean hasUpdateRules() { return inner.hasUpdateRules(); }
        public TrainConfig trainConfig() { return inner.trainConfig(); }
        public Map<String, Tensor> initialParams(long seed) { return inner.initialParams(seed); }
        public Map<String, Tensor> forward(Map<String, Tensor> p, Map<String, Tensor> in) { return inner.forward(p, in); }
        public Gradients lossAndGradients(Map<String, Tensor> p, Map<String, Tensor> b) { return inner.lossAndGradients(p, b); }
        public Step updateStep(Map<String, Tensor> p, Map<String, Tensor> b) { return inner.updateStep(p, b); }

        public Tensor loss(Map<String, Tensor> p, Map<String, Tensor> batch) {
            if (exhausted) throw new OutOfMemoryError("Java heap space");
            evaluatedRows.add(batch.get("x").size(0));
            return inner.loss(p, batch);
        }
    }

    private static TensorDataset data(int rows) {
        Generator g = Generator.of(8, "line");
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", Tensor.randn(DType.F64, g, rows, 2));
        columns.put("y", Tensor.randn(DType.F64, g, rows));
        return new TensorDataset(columns);
    }

    @Test
    void theEpochLossIsEvaluatedInBatchesOfTheTrainingBatchSizeAndEqualsTheWholeDataLoss() {
        Watched m = new Watched();
        TensorDataset data = data(1003);
        Trainer.Result r = Trainer.fit(m, m.initialParams(0), data, new Trainer.Options(1, 100, true, 0, new Sgd(0.1), null),
                TrainingListener.NONE, () -> false);
        assertEquals(List.of(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 3), m.evaluatedRows);
        double whole = m.inner.loss(r.params(), data.columns()).item();
        assertEquals(whole, r.finalLoss(), 1e-12 * whole);
    }

    /** A model that records the rows of every batch it runs forward on. */
    private record Counted(CompiledModel inner, List<Integer> forwardRows) implements CompiledModel {
        public String name() { return inner.name(); }
        public List<TensorSpec> inputs() { return inner.inputs(); }
        public List<TensorSpec> params() { return inner.params(); }
        public List<String> outputs() { return inner.outputs(); }
        public boolean hasLoss() { return inner.hasLoss(); }
        public boolean hasUpdateRules() { return inner.hasUpdateRules(); }
        public TrainConfig trainConfig() { return inner.trainConfig(); }
        public Map<String, Tensor> initialParams(long seed) { return inner.initialParams(seed); }
        public Tensor loss(Map<String, Tensor> p, Map<String, Tensor> b) { throw new AssertionError("the loss alone is never run"); }
        public Gradients lossAndGradients(Map<String, Tensor> p, Map<String, Tensor> b) { return inner.lossAndGradients(p, b); }
        public Step updateStep(Map<String, Tensor> p, Map<String, Tensor> b) { return inner.updateStep(p, b); }

        public Map<String, Tensor> forward(Map<String, Tensor> p, Map<String, Tensor> in) {
            forwardRows.add(in.get("x").size(0));
            return inner.forward(p, in);
        }
    }

    @Test
    void withAnEvaluatorTheLastEpochRunsEveryBatchOnceForTheLossAndTheScalarsAndTheNumbersAreTheSeparatePasses() {
        Watched m = new Watched();
        TensorDataset data = data(1003);
        Evaluator compiled = Driver.evaluator(m.checked, List.of("mae"), Backend.INTERP, null, 0);
        Counted counted = new Counted(compiled.model(), new ArrayList<>());
        Evaluator e = new Evaluator(counted, compiled.lossOutput(), compiled.lossAggregate(), compiled.scalars());
        Trainer.Options o = new Trainer.Options(2, 100, true, 0, new Sgd(0.1), null);
        Trainer.Result r = Trainer.fit(m, m.initialParams(0), data, o.evaluatingWith(e), TrainingListener.NONE, () -> false);
        List<Integer> epoch = List.of(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 3);
        // The first epoch's loss alone (its scalars would be for nothing); the last's loss and scalars in one pass.
        assertEquals(epoch, m.evaluatedRows, "the loss alone, for the first epoch only");
        assertEquals(epoch, counted.forwardRows(), "each batch once, in the last epoch");
        // The separate passes with the same params: the same epoch loss and output, bit for bit.
        Trainer.Result apart = Trainer.fit(m, m.initialParams(0), data, o, TrainingListener.NONE, () -> false);
        assertEquals(List.of(), apart.outputs());
        assertEquals(apart.epochLosses(), r.epochLosses());
        RowAggregate.Accumulator mae = RowAggregate.MEAN.accumulator();
        for (int from = 0; from < data.size(); from += 100) {
            int to = Math.min(data.size(), from + 100);
            mae.add(m.inner.forward(r.params(), data.slice(from, to)).get("mae").item(), to - from);
        }
        assertEquals(List.of(new Evaluator.Value("mae", mae.value(), false)), r.outputs());
    }

    @Test
    void theCheckpointIsWrittenBeforeTheEpochIsEvaluated(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("c.npz");
        Watched m = new Watched();
        List<String> events = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void epoch(int epoch, int epochs, double loss) {
                events.add("epoch " + epoch);
                m.exhausted = epoch == 2; // the evaluation after epoch 3 runs out of memory
            }

            @Override
            public void saved(Path checkpoint) {
                events.add("saved");
            }
        };
        assertThrows(OutOfMemoryError.class, () -> Trainer.fit(m, m.initialParams(0), data(40),
                new Trainer.Options(5, 10, false, 0, new Sgd(0.1), ckpt), listener, () -> false));
        assertEquals(List.of("saved", "epoch 1", "saved", "epoch 2", "saved"), events);
        Checkpoint c = Checkpoint.read(ckpt);
        assertEquals(new Position(3, 0), c.position(), "the epoch whose evaluation failed is kept");
    }

    @Test
    void sumsAddAndMeansWeighByRows() {
        RowAggregate.Accumulator sum = RowAggregate.SUM.accumulator(), mean = RowAggregate.MEAN.accumulator();
        sum.add(3, 10);
        sum.add(1, 2);
        mean.add(3, 10);
        mean.add(1, 2);
        assertEquals(4, sum.value());
        assertEquals(32.0 / 12, mean.value(), 1e-15);
        RowAggregate.Accumulator inf = RowAggregate.MEAN.accumulator();
        inf.add(Double.POSITIVE_INFINITY, 5);
        inf.add(1, 5);
        assertTrue(Double.isInfinite(inf.value()), "a non-finite batch never averages to a number");
        assertTrue(Double.isNaN(RowAggregate.SUM.accumulator().value()));
    }
}
