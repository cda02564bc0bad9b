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

    public InterpretedModel(CheckedModel model, Interpreter.Precision precision) {
        // The interpreter honours an override through its precision rather than by redeclaring nodes.
        super(model, null);
        this.precision = precision;
    }

    public InterpretedModel(CheckedModel model) {
        this(model, Interpreter.Precision.DECLARED);
    }

    @Override
    protected List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed) {
        return Interpreter.results(graph(e), values, precision, seed);
    }
}
