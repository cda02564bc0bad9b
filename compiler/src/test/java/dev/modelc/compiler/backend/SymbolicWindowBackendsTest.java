package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanText;
import dev.modelc.runtime.plan.SizeExpr;
import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A constant index or slice on an axis whose size is symbolic ({@code x[0]} on {@code f64[N]})
 * is checked when the size is bound, on every JVM backend, with the interpreter's message:
 * bound to 0, {@code x[0]} used to read past an empty array in the fused loops (a Java
 * exception, exit 2) on bytecode and java. Sizes that fit still give the interpreter's values.
 */
class SymbolicWindowBackendsTest {
    private static final String SOURCE = """
            model Windows {
              input x: f64[N]
              input m: f64[K, 2]
              output first = x[0]
              output last = x[-1]
              output middle = sum(m[1:3, 1])
              loss = sum(x[1:] ** 2)
            }
            """;

    private static CompiledModel compile(Backend backend) {
        Compilation c = Compiler.compile(new SourceFile("win.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return backend.compile(m, null);
    }

    private static Tensor x(double... v) {
        return Tensor.of(v, v.length);
    }

    private static final Tensor M3 = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void windowsThatFitGiveTheirValues(Backend backend) {
        CompiledModel model = compile(backend);
        Map<String, Tensor> out = model.forward(Map.of(), Map.of("x", x(3, 4, 5), "m", M3));
        assertEquals(3.0, out.get("first").item());
        assertEquals(5.0, out.get("last").item());
        assertEquals(10.0, out.get("middle").item());
        CompiledModel.Gradients g = model.lossAndGradients(Map.of(), Map.of("x", x(7), "m", M3));
        assertEquals(0.0, g.loss().item()); // x[1:] of one element is empty
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void anIndexOnAnEmptyAxisIsRefusedNamingIt(Backend backend) {
        CompiledModel model = compile(backend);
        ExecutionError e = assertThrows(ExecutionError.class, () -> model.forward(Map.of(), Map.of("x", x(), "m", M3)));
        assertEquals("win.model:4: x[0]: index 0 is out of range for axis 0 of size 0 (it has no elements)", e.getMessage());
        // x[1:] of nothing would have -1 elements: the loss refuses it too.
        ExecutionError loss = assertThrows(ExecutionError.class, () -> model.loss(Map.of(), Map.of("x", x(), "m", M3)));
        assertEquals("win.model:7: x[1:]: the slice starts at 1, past its end, on axis 0 of size 0 (-1 elements; slices are "
                + "never clamped)", loss.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aSlicePastTheBoundSizeIsRefusedNamingItsPositions(Backend backend) {
        CompiledModel model = compile(backend);
        Tensor m2 = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        ExecutionError e = assertThrows(ExecutionError.class, () -> model.forward(Map.of(), Map.of("x", x(1), "m", m2)));
        assertEquals("win.model:6: m[1:3, 1]: the slice takes positions 1 to 2 of axis 0, which has size 2 (slices are never clamped)",
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void aCheckedSizeRefusedOnceIsCheckedAgainWhenItChanges(Backend backend) {
        CompiledModel model = compile(backend);
        assertEquals(3.0, model.forward(Map.of(), Map.of("x", x(3, 4), "m", M3)).get("first").item());
        assertThrows(ExecutionError.class, () -> model.forward(Map.of(), Map.of("x", x(), "m", M3)));
        assertArrayEquals(new double[] {9}, model.forward(Map.of(), Map.of("x", x(9), "m", M3)).get("first").toDoubleArray(), 0);
    }

    @org.junit.jupiter.api.Test
    void planTextCarriesTheWindows() {
        List<String> n = List.of("N");
        Size last = new Size.Polynomial(List.of(new Size.Term(1, n), new Size.Term(-1, List.of())));
        Plan p = new Plan("p", n, List.of(), 0, List.of(), List.of(), List.of(), List.of(new Plan.Window("m.model:3: x[-1]", 0,
                SizeExpr.of(last, n), 1, SizeExpr.of(new Size.Fixed(1), n), SizeExpr.of(new Size.Symbol("N"), n))));
        Plan back = PlanText.read(PlanText.write(p));
        assertEquals(PlanText.write(p), PlanText.write(back));
        assertEquals(1, back.windows().size());
        back.windows().getFirst().check(new long[] {2});
        ExecutionError e = assertThrows(ExecutionError.class, () -> back.windows().getFirst().check(new long[] {0}));
        assertEquals("m.model:3: x[-1]: index -1 is out of range for axis 0 of size 0 (it has no elements)", e.getMessage());
    }
}
