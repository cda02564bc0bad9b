package dev.modelc.compiler.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.ModalModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed classes of models with two programs or states: they carry both programs, start in
 * evaluation mode, switch with {@code train()} and {@code eval()}, step in the training program
 * whatever the mode, and hold the states beside the params ({@code buffers()}, saved and loaded
 * with them). Each class is compiled with javac ({@code -Xlint:all -Werror}) and run against the
 * interpreter; with every floating value as f64 the java backend gives the interpreter's bits, so
 * the comparisons are exact.
 */
class TypedModesTest {
    private static final String SOURCE = """
            model BN {
              input x: f32[N, 3]
              input y: f32[N, 3]
              lin = Linear(3, 3)
              bn = BatchNorm1d(3)
              output h = bn(lin(x))
              loss = mean((h - y) ** 2)
              train { optimizer = sgd(lr = 0.1) }
            }

            model Drop {
              input x: f32[N, 4]
              input y: f32[N, 2]
              lin = Linear(4, 2)
              output out = lin(dropout(x, 0.5))
              loss = mse_loss(out, y)
            }

            model Rules {
              input x: f64[N, 2]
              input y: f64[N, 2]
              param w: f64[2, 2] = normal(0, 0.5)
              state seen: f64[2] = zeros()
              output h = x @ w.T
              loss = mean((h - y) ** 2)
              update w = w - 0.1 * grad(loss, w)
              update seen = seen + sum(x, axis = 0)
            }
            """;

    @TempDir
    Path dir;

    private static CheckedModel model(String name) {
        Compilation c = Compiler.compile(new SourceFile("modes.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    /** The typed class of {@code name} with every floating value as f64, compiled without a warning, and its source. */
    private record Typed(Class<?> type, String java) {
        Object call(Object target, String method, Object... args) throws Exception {
            for (var m : type.getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof Exception x) throw x;
                        throw e;
                    }
                }
            }
            throw new AssertionError("no method " + method + " with " + args.length + " arguments");
        }

        @SuppressWarnings("unchecked")
        Map<String, Tensor> map(Object target, String method) throws Exception {
            return (Map<String, Tensor>) call(target, method);
        }
    }

    private Typed typed(String name, URLClassLoader[] loader) throws Exception {
        String java = TypedModelGenerator.generate(model(name), DType.F64, "typed").toString();
        Path file = dir.resolve("typed/" + name + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, java);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), "-Xlint:all", "-Werror", file.toString());
        assertEquals(0, status, log + "\n" + java);
        loader[0] = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        return new Typed(loader[0].loadClass("typed." + name), java);
    }

    private static void assertSameValues(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()));
        want.forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), got.get(k).toDoubleArray(), 0, k));
    }

    private static Tensor output(Object outputs, String name) throws Exception {
        return (Tensor) outputs.getClass().getMethod(name).invoke(outputs);
    }

    @Test
    void batchNormRunsTheModesProgramAndStepsItsStatesBesideItsParams() throws Exception {
        URLClassLoader[] loader = new URLClassLoader[1];
        Typed t = typed("BN", loader);
        try (URLClassLoader ignored = loader[0]) {
            assertTrue(t.java().contains("public BN train() {"), t.java());
            assertTrue(t.java().contains("public Map<String, Tensor> buffers() {"), t.java());
            assertTrue(t.java().contains("static final class TrainingKernels extends GeneratedModel {"), t.java());
            CompiledModel interp = Backend.INTERP.compile(model("BN"), DType.F64);
            Map<String, Tensor> held = interp.initialParams(7);
            Object m = t.type().getConstructor(long.class).newInstance(7L);
            Map<String, Tensor> params = new LinkedHashMap<>(held), states = new LinkedHashMap<>();
            for (String s : List.of("bn.running_mean", "bn.running_var")) states.put(s, params.remove(s));
            assertSameValues(params, t.map(m, "parameters"));
            assertSameValues(states, t.map(m, "buffers"));

            Generator g = Generator.of(3, "bn");
            Tensor x = Tensor.randn(DType.F64, g, 5, 3), y = Tensor.randn(DType.F64, g, 5, 3);
            Map<String, Tensor> batch = Map.of("x", x, "y", y);
            assertEquals(Mode.EVALUATION, t.call(m, "mode"));
            Tensor evaluated = output(t.call(m, "forward", x), "h");
            assertArrayEquals(interp.forward(held, Map.of("x", x)).get("h").toDoubleArray(), evaluated.toDoubleArray(), 0);
            assertSame(m, t.call(m, "train"));
            assertEquals(Mode.TRAINING, t.call(m, "mode"));
            CompiledModel training = interp.inMode(Mode.TRAINING);
            Tensor trained = output(t.call(m, "forward", x), "h");
            assertArrayEquals(training.forward(held, Map.of("x", x)).get("h").toDoubleArray(), trained.toDoubleArray(), 0);
            assertFalse(java.util.Arrays.equals(evaluated.toDoubleArray(), trained.toDoubleArray()), "batch statistics differ");
            assertEquals(training.loss(held, batch).item(), ((Tensor) t.call(m, "loss", x, y)).item(), 0);
            assertSame(m, t.call(m, "eval"));
            assertEquals(interp.loss(held, batch).item(), ((Tensor) t.call(m, "loss", x, y)).item(), 0);

            // The step runs the training program in evaluation mode too, and the states take their rules' values.
            CompiledModel.Gradients want = training.lossAndGradients(held, batch);
            Tensor loss = (Tensor) t.call(m, "step", new Sgd(0.1), x, y);
            assertEquals(want.loss().item(), loss.item(), 0);
            assertEquals(Mode.EVALUATION, t.call(m, "mode"));
            assertSameValues(new Sgd(0.1).step(params, want.gradients()), t.map(m, "parameters"));
            assertSameValues(want.states(), t.map(m, "buffers"));
            // PyTorch's numerics, independently: momentum 0.1 toward the batch's unbiased variance.
            assertEquals(0.9 * 1 + 0.1 * unbiasedVariance(held, x), t.map(m, "buffers").get("bn.running_var").getDouble(0), 1e-12);

            // The stateless compiled model holds both programs.
            CompiledModel compiled = (CompiledModel) t.type().getMethod("compiled").invoke(null);
            assertInstanceOf(ModalModel.class, compiled);
            assertSameValues(want.states(), compiled.inMode(Mode.TRAINING).lossAndGradients(held, batch).states());
        }
    }

    /** The unbiased variance of column 0 of {@code lin(x)}: what the first step moves {@code running_var} toward. */
    private static double unbiasedVariance(Map<String, Tensor> held, Tensor x) {
        Tensor w = held.get("lin.weight"), b = held.get("lin.bias");
        double[] z = new double[x.shape()[0]];
        double mean = 0;
        for (int i = 0; i < z.length; i++) {
            for (int k = 0; k < 3; k++) z[i] += x.get(i, k) * w.get(0, k);
            z[i] += b.getDouble(0);
            mean += z[i] / z.length;
        }
        double ss = 0;
        for (double v : z) ss += (v - mean) * (v - mean);
        return ss / (z.length - 1);
    }

    @Test
    void statesAreSavedAndLoadedWithTheParamsAndAFileWithoutThemIsRefused() throws Exception {
        URLClassLoader[] loader = new URLClassLoader[1];
        Typed t = typed("BN", loader);
        try (URLClassLoader ignored = loader[0]) {
            Object m = t.type().getConstructor(long.class).newInstance(7L);
            Generator g = Generator.of(4, "bn");
            t.call(m, "step", new Sgd(0.1), Tensor.randn(DType.F64, g, 4, 3), Tensor.randn(DType.F64, g, 4, 3));
            Path file = dir.resolve("bn.npz");
            t.call(m, "save", file);
            assertEquals(List.of("lin.weight", "lin.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"),
                    List.copyOf(Npz.read(file).keySet()));
            Object again = t.type().getConstructor(long.class).newInstance(0L);
            t.call(again, "load", file);
            assertSameValues(t.map(m, "buffers"), t.map(again, "buffers"));
            assertSameValues(t.map(m, "parameters"), t.map(again, "parameters"));

            Map<String, Tensor> paramsOnly = new LinkedHashMap<>(Npz.read(file));
            paramsOnly.remove("bn.running_mean");
            paramsOnly.remove("bn.running_var");
            Path old = dir.resolve("old.npz");
            Npz.write(old, paramsOnly);
            Object fresh = t.type().getConstructor(long.class).newInstance(0L);
            Map<String, Tensor> before = t.map(fresh, "parameters");
            ExecutionError e = assertThrows(ExecutionError.class, () -> t.call(fresh, "load", old));
            assertEquals(old + " has no states 'bn.running_mean', 'bn.running_var' (the model's states: bn.running_mean,"
                    + " bn.running_var)", e.getMessage());
            assertSameValues(before, t.map(fresh, "parameters"));
        }
    }

    @Test
    void dropoutDrawsTheInterpretersMaskInTrainingAndIsTheIdentityInEvaluation() throws Exception {
        URLClassLoader[] loader = new URLClassLoader[1];
        Typed t = typed("Drop", loader);
        try (URLClassLoader ignored = loader[0]) {
            assertFalse(t.java().contains("buffers()"), "no states, no buffers");
            CompiledModel interp = Backend.INTERP.compile(model("Drop"), DType.F64);
            CompiledModel training = interp.inMode(Mode.TRAINING);
            Map<String, Tensor> params = interp.initialParams(9);
            Object m = t.type().getConstructor(long.class).newInstance(9L);
            Generator g = Generator.of(5, "drop");
            Tensor x = Tensor.randn(DType.F64, g, 64, 4), y = Tensor.randn(DType.F64, g, 64, 2);
            StepKey a = new StepKey(11, 0), b = new StepKey(11, 1);
            double[] identity = interp.forward(params, Map.of("x", x)).get("out").toDoubleArray();
            assertArrayEquals(identity, output(t.call(m, "forward", x, a), "out").toDoubleArray(), 0);
            assertArrayEquals(identity, output(t.call(m, "forward", x, b), "out").toDoubleArray(), 0);
            t.call(m, "train");
            for (StepKey key : List.of(a, b)) {
                double[] dropped = output(t.call(m, "forward", x, key), "out").toDoubleArray();
                assertArrayEquals(training.forward(params, Map.of("x", x), key).get("out").toDoubleArray(), dropped, 0, key.toString());
                assertFalse(java.util.Arrays.equals(identity, dropped), key.toString());
            }
            CompiledModel.Gradients want = training.lossAndGradients(params, Map.of("x", x, "y", y), b);
            t.call(m, "eval");
            Optimizer sgd = new Sgd(0.05);
            assertEquals(want.loss().item(), ((Tensor) t.call(m, "step", sgd, x, y, b)).item(), 0);
            assertSameValues(new Sgd(0.05).step(params, want.gradients()), t.map(m, "parameters"));
        }
    }

    @Test
    void updateRulesStepTheParamsAndTheStatesTogether() throws Exception {
        URLClassLoader[] loader = new URLClassLoader[1];
        Typed t = typed("Rules", loader);
        try (URLClassLoader ignored = loader[0]) {
            CompiledModel interp = Backend.INTERP.compile(model("Rules"), DType.F64);
            Map<String, Tensor> held = interp.initialParams(2);
            Object m = t.type().getConstructor(long.class).newInstance(2L);
            Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2), y = Tensor.of(new double[] {0, 1, 1, 0, 0, 0}, 3, 2);
            CompiledModel.Step want = interp.inMode(Mode.TRAINING).updateStep(held, Map.of("x", x, "y", y));
            assertEquals(want.loss().item(), ((Tensor) t.call(m, "step", x, y)).item(), 0);
            assertArrayEquals(want.params().get("w").toDoubleArray(), t.map(m, "parameters").get("w").toDoubleArray(), 0);
            assertArrayEquals(new double[] {9, 12}, t.map(m, "buffers").get("seen").toDoubleArray(), 0);
            t.call(m, "step", x, y);
            assertArrayEquals(new double[] {18, 24}, t.map(m, "buffers").get("seen").toDoubleArray(), 0);
        }
    }
}
