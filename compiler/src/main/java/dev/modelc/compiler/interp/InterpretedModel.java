package dev.modelc.compiler.interp;

import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.StagedModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;

/** A checked model run by the reference interpreter, node by node: the oracle for every other backend. */
public final class InterpretedModel extends StagedModel {
    private final Interpreter.Precision precision;

    /**
     * {@code precision} F64 or F32 runs the model as if every floating value had been declared in
     * that dtype, the same rule as the compiled backends' override: the graph is redeclared
     * before it is optimized, so the constants folding computes (a mean's 1/n, the scale of a
     * gradient) are computed in the dtype the program runs in, not rounded to the declared one.
     */
    public InterpretedModel(CheckedModel model, Interpreter.Precision precision) {
        super(model, ModelEvaluation.floating(precision));
        this.precision = Interpreter.Precision.DECLARED;
    }

    public InterpretedModel(CheckedModel model) {
        this(model, Interpreter.Precision.DECLARED);
    }

    @Override
    protected List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed) {
        return Interpreter.results(graph(e), values, precision, seed);
    }
}
