package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.DataLoader;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trainer writes each step's params into arrays it owns (double-buffered): over several epochs
 * its params are, bit for bit, those of the same loop written with the allocating optimizer step
 * (on the bytecode backend the trainer's optimizer reads gradients the plan lends,
 * {@code LentGradients}; the loop's are copies), and the params a caller gave and those a listener
 * was handed are never changed.
 */
class TrainerParamOwnershipTest {
    private static final String SOURCE = """
            model Small {
              input x: DT[N, 4]
              input y: DT[N, 2]
              param w1: DT[4, 5] = uniform(-1, 1)
              param b1: DT[5] = uniform(-1, 1)
              param w2: DT[5, 2] = uniform(-1, 1)
              output h = relu(x @ w1 + b1) @ w2
              loss = mse_loss(h, y)
            }
            """;
    private static final int ROWS = 22, BATCH = 4, EPOCHS = 3;

    static Stream<Arguments> runs() {
        Map<String, Supplier<Optimizer>> optimizers = new LinkedHashMap<>();
        optimizers.put("sgd", () -> new Sgd(0.05));
        optimizers.put("sgd momentum", () -> new Sgd(0.05, 0.9, 0.01));
        optimizers.put("adam", () -> new Adam(0.02));
        optimizers.put("adamw", () -> Adam.decoupled(0.02, 0.9, 0.999, 1e-8, 0.1));
        List<Arguments> out = new ArrayList<>();
        for (Backend backend : new Backend[] {Backend.BYTECODE, Backend.INTERP}) {
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                optimizers.forEach((name, make) -> out.add(Arguments.of(name, dtype, backend, make)));
            }
        }
        return out.stream();
    }

    private static TensorDataset data(DType dtype) {
        double[] x = new double[ROWS * 4], y = new double[ROWS * 2];
        for (int i = 0; i < x.length; i++) x[i] = Math.sin(0.3 * i) * 2;
        for (int i = 0; i < y.length; i++) y[i] = Math.cos(0.7 * i);
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", Tensor.of(dtype, new int[] {ROWS, 4}, x));
        columns.put("y", Tensor.of(dtype, new int[] {ROWS, 2}, y));
        return new TensorDataset(columns);
    }

    private static Tensor copy(Tensor t) {
        return Tensor.of(t.dtype(), t.shape(), t.toDoubleArray());
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> params) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, t) -> out.put(k, copy(t)));
        return out;
    }

    private static void assertSameBits(Map<String, Tensor> expected, Map<String, Tensor> actual, String where) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), where);
        expected.forEach((k, t) -> {
            assertEquals(t.dtype(), actual.get(k).dtype(), where + ", " + k);
            double[] e = t.toDoubleArray(), a = actual.get(k).toDoubleArray();
            assertEquals(e.length, a.length, where + ", " + k);
            for (int i = 0; i < e.length; i++) {
                assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), where + ", " + k + " at " + i);
            }
        });
    }

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @MethodSource("runs")
    void theTrainersParamsAreTheAllocatingLoopsAndNoOneElsesChange(String name, DType dtype, Backend backend,
                                                                  Supplier<Optimizer> make) {
        CompiledModel m = Modelc.compile("small.model", SOURCE.replace("DT", dtype.toString().toLowerCase()))
                .model("Small", backend).compiled();
        TensorDataset data = data(dtype);
        Map<String, Tensor> given = m.initialParams(5);
        Map<String, Tensor> givenBefore = copies(given);
        Map<String, Tensor> givenTensors = new LinkedHashMap<>(given);
        List<Map<String, Tensor>> handed = new ArrayList<>(), handedBefore = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void epochParams(int epoch, Map<String, Tensor> params) {
                handed.add(params);
                handedBefore.add(copies(params));
            }
        };
        Optimizer trained = make.get();
        Trainer.Result r = Trainer.fit(m, given, data, new Trainer.Options(EPOCHS, BATCH, true, 3, trained, null),
                listener, () -> false);
        assertInstanceOf(Trainer.Ending.Completed.class, r.ending());

        // The same loop by hand, each step's params in new arrays.
        Optimizer opt = make.get();
        CompiledModel stepping = m.inMode(Mode.TRAINING);
        DataLoader loader = new DataLoader(data, BATCH, true, false, 3);
        Map<String, Tensor> params = copies(givenBefore);
        long step = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (Map<String, Tensor> batch : loader.epoch(epoch)) {
                CompiledModel.Gradients g = stepping.lossAndGradients(params, batch, new StepKey(3, step++));
                params = opt.step(params, g.gradients());
            }
            assertSameBits(params, handedBefore.get(epoch), "epoch " + (epoch + 1));
        }
        assertSameBits(params, r.params(), "after the run");
        assertSameBits(opt.stateDict(), trained.stateDict(), "the optimizer's state");

        // Nothing the trainer was given or handed out changed.
        assertSameBits(givenBefore, given, "the caller's params");
        givenTensors.forEach((k, t) -> assertSame(t, given.get(k), k));
        for (int e = 0; e < EPOCHS; e++) assertSameBits(handedBefore.get(e), handed.get(e), "the params of epoch " + (e + 1));
    }
}
