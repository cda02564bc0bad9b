package dev.modelc.testing;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Objects;
import java.util.function.Function;

/**
 * What {@link GradCheck} runs the models it derives on. GradCheck hands a backend models whose
 * every floating value is f64, so a backend that computes in each node's declared dtype
 * computes in f64.
 */
public sealed interface Backend {
    /** The default: the reference interpreter, every floating node in f64. */
    Backend REFERENCE = new Reference();

    /** How failure messages name the backend. */
    String name();

    /** A backend that compiles each derived model into the runtime's {@link CompiledModel}, as every backend does. */
    static Backend compiled(String name, Function<CheckedModel, CompiledModel> compiler) {
        return new Compiled(name, compiler);
    }

    /**
     * The reference interpreter in f64, run on the same optimized graphs {@code InterpretedModel}
     * runs; GradCheck calls it directly, which lets one evaluation give both the values and
     * where the point is relative to every kink.
     */
    record Reference() implements Backend {
        @Override
        public String name() {
            return "the reference interpreter (f64)";
        }
    }

    /**
     * A backend used through {@link CompiledModel} alone (its {@code loss} and
     * {@code lossAndGradients}); the reference interpreter only tells where the graph has kinks.
     *
     * @param compiler such as {@code m -> new InterpretedModel(m, Interpreter.Precision.F64)}
     */
    record Compiled(String name, Function<CheckedModel, CompiledModel> compiler) implements Backend {
        public Compiled {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(compiler, "compiler == null");
        }
    }
}
