package dev.modelc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Sgd;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed classes checked in under {@code crop-yield/generated/} (compiled here, with this
 * test's runtime shared so their tensors are ours) against the interpreter: initial params,
 * forward, loss and gradients, a step of the update rules, an optimizer step, {@code .npz} save
 * and load, and the errors at the call boundary. Methods are found reflectively because the
 * classes are compiled while the test runs.
 */
class TypedApiTest {
    private static final Path SAMPLE = Path.of("crop-yield").toAbsolutePath();
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path classes;
    private static URLClassLoader loader;
    private static Map<String, CheckedModel> models;
    private static Tensor x, y;

    @BeforeAll
    static void compileTheGoldenFiles() throws Exception {
        Path runtime = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> args = new ArrayList<>(List.of("-classpath", runtime.toString(), "-d", classes.toString()));
        try (Stream<Path> files = Files.list(SAMPLE.resolve("generated/crop_yield"))) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, TypedApiTest.class.getClassLoader());
        Compilation c = Compiler.compile(new SourceFile("crop_yield.model",
                Files.readString(SAMPLE.resolve("crop_yield.model"), StandardCharsets.UTF_8)));
        assertFalse(c.hasErrors(), c::render);
        models = new java.util.HashMap<>();
        for (CheckedModel m : c.program().orElseThrow().models()) models.put(m.name(), m);
        CsvSource csv = new CsvSource(SAMPLE.resolve("crop_yield.csv"));
        x = csv.read(DType.F32, "temp", "rainfall", "humidity");
        y = csv.read(DType.F32, "apples", "oranges");
    }

    @AfterAll
    static void close() throws Exception {
        loader.close();
    }

    /** A generated model, built with {@code new Model(seed)}. */
    private static Object model(String name, long seed) throws Exception {
        return loader.loadClass("crop_yield." + name).getConstructor(long.class).newInstance(seed);
    }

    private static Object call(Object target, String method, Object... args) throws Throwable {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length
                    && (args.length == 0 || m.getParameterTypes()[0].isInstance(args[0]))) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError(target.getClass() + " has no method " + method + " for " + args.length + " arguments");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Tensor> parameters(Object model) throws Throwable {
        return (Map<String, Tensor>) call(model, "parameters");
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + " shape");
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], TOLERANCE * Math.max(1, Math.abs(a[i])), what + "[" + i + "]");
    }

    @Test
    void initialParamsForwardLossAndGradientsAreTheInterpreters() throws Throwable {
        for (String name : List.of("CropYield", "CropYieldLinear")) {
            CompiledModel interp = Backend.INTERP.compile(models.get(name), null);
            Object typed = model(name, 3);
            Map<String, Tensor> params = interp.initialParams(3);
            assertEquals(params.toString(), parameters(typed).toString(), name + " params from seed 3, in declaration order");

            Object outputs = call(typed, "forward", x);
            assertClose(interp.forward(params, Map.of("x", x)).get("preds"), (Tensor) call(outputs, "preds"), name + " preds");

            CompiledModel.Gradients want = interp.lossAndGradients(params, Map.of("x", x, "y", y));
            Object got = call(typed, "lossAndGradients", x, y);
            assertClose(want.loss(), (Tensor) call(got, "loss"), name + " loss");
            @SuppressWarnings("unchecked")
            Map<String, Tensor> grads = (Map<String, Tensor>) call(call(got, "gradients"), "byPath");
            assertEquals(want.gradients().keySet(), grads.keySet());
            for (String path : grads.keySet()) assertClose(want.gradients().get(path), grads.get(path), name + " grad " + path);
            assertClose(want.loss(), (Tensor) call(typed, "loss", x, y), name + " loss()");
        }
    }

    @Test
    void stepRunsTheUpdateRulesAndKeepsTheParams() throws Throwable {
        CompiledModel interp = Backend.INTERP.compile(models.get("CropYieldManual"), null);
        Object typed = model("CropYieldManual", 0);
        Map<String, Tensor> params = interp.initialParams(0);
        for (int i = 0; i < 3; i++) {
            CompiledModel.Step want = interp.updateStep(params, Map.of("x", x, "y", y));
            assertClose(want.loss(), (Tensor) call(typed, "step", x, y), "loss before step " + i);
            params = want.params();
            for (String path : params.keySet()) assertClose(params.get(path), parameters(typed).get(path), path + " after step " + i);
        }
    }

    @Test
    void stepWithAnOptimizerIsTheOptimizerOnTheGradients() throws Throwable {
        CompiledModel interp = Backend.INTERP.compile(models.get("CropYieldLinear"), null);
        Object typed = model("CropYieldLinear", 0);
        Map<String, Tensor> params = interp.initialParams(0);
        Sgd mine = new Sgd(1e-5, 0.9, 0), theirs = new Sgd(1e-5, 0.9, 0);
        for (int i = 0; i < 3; i++) {
            CompiledModel.Gradients g = interp.lossAndGradients(params, Map.of("x", x, "y", y));
            params = mine.step(params, g.gradients());
            assertClose(g.loss(), (Tensor) call(typed, "step", theirs, x, y), "loss before step " + i);
            for (String path : params.keySet()) assertClose(params.get(path), parameters(typed).get(path), path + " after step " + i);
        }
    }

    @Test
    void paramsSaveAndLoadAsNpzByPath(@TempDir Path dir) throws Throwable {
        Object trained = model("CropYieldLinear", 5);
        call(trained, "step", new Sgd(1e-5), x, y);
        Path file = dir.resolve("params.npz");
        call(trained, "save", file);
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(dev.modelc.runtime.Npz.read(file).keySet()));
        Object fresh = model("CropYieldLinear", 6);
        call(fresh, "load", file);
        assertEquals(parameters(trained), parameters(fresh));

        Object other = model("CropYieldManual", 0);
        ExecutionError e = assertThrows(ExecutionError.class, () -> call(other, "load", file));
        assertEquals(file + " has no params 'w', 'b' and has 'linear.weight', 'linear.bias', which are not params"
                + " (the model's params: w, b)", e.getMessage());
    }

    @Test
    void shapesAreCheckedAtTheCallNamingTheInput() throws Throwable {
        Object typed = model("CropYield", 0);
        Tensor wrongY = Tensor.zeros(DType.F32, 4, 2);
        ExecutionError e = assertThrows(ExecutionError.class, () -> call(typed, "loss", x, wrongY));
        assertEquals("dimension N is 15 in 'x' but 4 in 'y' (axis 0 of shape [4, 2])", e.getMessage());
        e = assertThrows(ExecutionError.class, () -> call(typed, "forward", Tensor.zeros(DType.F32, 15)));
        assertEquals("'x' must have shape [N, 3] (rank 2), found shape [15]", e.getMessage());
        Class<?> params = loader.loadClass("crop_yield.CropYield$Params");
        InvocationTargetException bad = assertThrows(InvocationTargetException.class, () -> params
                .getConstructor(Tensor.class, Tensor.class).newInstance(Tensor.zeros(DType.F32, 3, 2), Tensor.zeros(DType.F32, 2)));
        assertEquals("param 'w' must have shape [2, 3], found [3, 2]", bad.getCause().getMessage());
    }

    @Test
    void forwardTakesOnlyTheInputsItsOutputsNeed() throws Exception {
        Class<?> c = loader.loadClass("crop_yield.CropYield");
        assertEquals(1, c.getMethod("forward", Tensor.class).getParameterCount());
        assertTrue(c.getMethod("lossAndGradients", Tensor.class, Tensor.class).getReturnType().isRecord());
        // A model without update rules has no step(x, y); one without outputs no forward.
        assertThrows(NoSuchMethodException.class, () -> c.getMethod("step", Tensor.class, Tensor.class));
        assertThrows(NoSuchMethodException.class, () -> loader.loadClass("crop_yield.CropYieldManual").getMethod("forward", Tensor.class));
    }
}
