package dev.modelc.compiler.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sharing equal calls ({@link InlineCache}) and dropping the names of grad-free bodies change
 * how much work checking does, never what a model means: gradients with respect to a def's
 * arguments, random initializers and diagnostics come out as if every call were inlined afresh.
 */
class SharedCallsTest {
    private static Map<String, Tensor> forward(String text, Map<String, Tensor> inputs) {
        return Modelc.compile("shared.model", text).model("M", Backend.INTERP).forward(inputs);
    }

    @Test
    void aGradientWithRespectToAnArgumentSeesOnlyThatCallsArgument() {
        // f(x, y) = x * grad(sum(x * y), x) = x * y. In f(a, f(a, b)) the inner result depends
        // on a; the outer grad is with respect to the outer call's own x, so it is a * (a * b),
        // not what a gradient through both uses of a would give.
        String text = """
                def f(x, y) = x * grad(sum(x * y), x)
                model M {
                  input a: f64[3]
                  input b: f64[3]
                  output y = f(a, f(a, b))
                  output z = f(a, f(a, b)) + f(a, f(a, b))
                }
                """;
        Map<String, Tensor> out = forward(text, Map.of("a", Tensor.of(new double[] {1, 2, 3}, 3),
                "b", Tensor.of(new double[] {5, 7, 11}, 3)));
        assertArrayEquals(new double[] {5, 28, 99}, out.get("y").toDoubleArray());
        assertArrayEquals(new double[] {10, 56, 198}, out.get("z").toDoubleArray());
    }

    @Test
    void equalCallsInAnInitializerDrawTheirOwnNumbers() {
        // Each randn() in an initializer is a draw of its own, through a def as well.
        String text = """
                def r() = randn()
                model M {
                  input x: f32[3]
                  param w: f32[3] = r() - r()
                  output y = x * w
                }
                """;
        Tensor w = Modelc.compile("draws.model", text).model("M", Backend.INTERP).initialize(7).param("w");
        for (double v : w.toDoubleArray()) assertNotEquals(0.0, v, "r() - r() drew the same numbers twice: " + w);
    }

    @Test
    void aMistakeInsideADefIsReportedAtEveryCallItAffects() {
        // The prelude's cross_entropy needs a fixed class count; both calls are reported, each
        // at its own line, though the second is equal to the first.
        String text = """
                model M {
                  input z: f32[N, C]
                  input y: i32[N]
                  loss = cross_entropy(z, y)
                  output again = cross_entropy(z, y)
                }
                """;
        Compilation c = Compiler.compile(new SourceFile("twice.model", text));
        List<Integer> lines = c.diagnostics().stream().filter(Diagnostic::isError).map(d -> d.primary().line()).toList();
        assertEquals(List.of(4, 5), lines, c::render);
    }

    @Test
    void equalCallsOfAGradFreeDefBuildOneGraph() {
        // Without names of their own, two calls of exp(x) * 2 are the same nodes: the graph of
        // two calls is the graph of one, plus the second output's alias.
        String one = "def f(x) = exp(x) * 2\nmodel M {\n  input x: f32[3]\n  output a = f(x)\n}\n";
        String two = "def f(x) = exp(x) * 2\nmodel M {\n  input x: f32[3]\n  output a = f(x)\n  output b = f(x)\n}\n";
        Compilation c1 = Compiler.compile(new SourceFile("one.model", one));
        Compilation c2 = Compiler.compile(new SourceFile("two.model", two));
        assertFalse(c2.hasErrors(), c2::render);
        int n1 = c1.program().orElseThrow().models().getFirst().graph().size();
        int n2 = c2.program().orElseThrow().models().getFirst().graph().size();
        assertEquals(n1 + 1, n2);
    }
}
