package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.properties.ExprPrograms.Kind;
import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.compiler.properties.ExprPrograms.Step;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The generator itself: every description builds a graph the verifier accepts (the harness
 * verifies the forward graph and the differentiated one), the values are finite, and the
 * programs reach every step kind and every op the properties are meant to exercise.
 */
class GeneratorProperties {
    private static final List<Class<? extends Op>> OPS = List.of(Op.Unary.class, Op.Binary.class, Op.Where.class,
            Op.Broadcast.class, Op.Reshape.class, Op.Transpose.class, Op.Slice.class, Op.Pad.class, Op.Concat.class,
            Op.Reduce.class, Op.Softmax.class, Op.MatMul.class, Op.Constant.class);

    @Provide
    Arbitrary<Program> programs() {
        return ExprPrograms.programs();
    }

    @Property(tries = 500)
    void programsBuildVerifiedGraphsWithFiniteValues(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.point(0);
        for (Tensor v : Harness.run(t.graph, at).values()) {
            for (double d : v.toDoubleArray()) assertTrue(Double.isFinite(d), "non-finite value\n" + t.describe());
        }
        Statistics.label("smooth point").collect(t.smoothPoint() != null);
        for (Step s : program.steps()) Statistics.label("kind").collect(s.kind());
        for (Node n : t.forward.nodes()) Statistics.label("op").collect(n.op().getClass());
        Statistics.label("smooth point").coverage(c -> c.check(true).percentage(p -> p > 95));
        Statistics.label("kind").coverage(c -> {
            for (Kind k : Kind.values()) c.check(k).percentage(p -> p > 0.5);
        });
        Statistics.label("op").coverage(c -> {
            for (Class<? extends Op> op : OPS) c.check(op).percentage(p -> p > 0.2);
        });
    }
}
