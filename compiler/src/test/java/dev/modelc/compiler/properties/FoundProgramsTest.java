package dev.modelc.compiler.properties;

import dev.modelc.compiler.properties.ExprPrograms.Kind;
import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.compiler.properties.ExprPrograms.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Programs the random properties found wrong once, kept as fixed cases (the properties draw new
 * ones on every run).
 */
class FoundProgramsTest {
    private static int shape(String s) {
        for (int i = 0; i < ExprPrograms.SHAPES.size(); i++) if (ExprPrograms.SHAPES.get(i).toString().equals(s)) return i;
        throw new IllegalArgumentException(s);
    }

    /**
     * Seed 5822776435359721663 of bytecodeBackendMatchesTheInterpreterInF32: the Hessian-vector
     * product's loop read an accumulated sum both directly and through a unit reshape of it, and
     * folded it twice ("a second reduction in the loop of %26").
     */
    @Test
    void aReductionReadTwiceThroughAUnitReshapeIsFoldedOnce() {
        Program p = new Program(List.of(shape("[2, 3, 1]"), shape("[]")), List.of(
                new Step(Kind.NEG, 0, 0, 0, 0, 0), new Step(Kind.NEG, 0, 0, 0, 0, 0), new Step(Kind.REDUCE, 3, 0, 0, 0, 0),
                new Step(Kind.ADD, 4, 0, 0, 0, 0), new Step(Kind.REDUCE, 1, 0, 0, 0, 0), new Step(Kind.NEG, 0, 0, 0, 0, 0),
                new Step(Kind.NEG, 0, 0, 0, 0, 0), new Step(Kind.NEG, 3, 0, 0, 0, 0), new Step(Kind.NEG, 0, 0, 0, 0, 0),
                new Step(Kind.MUL, 0, 2, 0, 0, 0)), List.of(), 0);
        BackendProperties properties = new BackendProperties();
        properties.bytecodeBackendMatchesTheInterpreter(p);
        properties.bytecodeBackendMatchesTheInterpreterInF32(p);
    }
}
