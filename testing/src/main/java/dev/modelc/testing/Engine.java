package dev.modelc.testing;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Objects;
import java.util.function.Function;

/**
 * What {@link GradCheck} runs the models it derives on (chosen with {@link GradCheck#on}). The
 * derived models are all-f64 already; a project backend is also told to compute in f64.
 */
sealed interface Engine {
    /** The default: the reference interpreter, every floating node in f64. */
    Engine REFERENCE = new Reference();

    /** How failure messages name it. */
    String name();

    /**
     * The reference interpreter in f64, run by GradCheck on the same optimized graphs
     * {@code InterpretedModel} runs, so that one evaluation gives both the values and where the
     * point is relative to every kink.
     */
    record Reference() implements Engine {
        @Override
        public String name() {
            return "the reference interpreter (f64)";
        }
    }

    /**
     * Any backend, used through the runtime's {@link CompiledModel} alone (its {@code loss} and
     * {@code lossAndGradients}); the reference interpreter only tells where the kinks are.
     */
    sealed interface Compiled extends Engine {
        CompiledModel compile(CheckedModel model);
    }

    /** One of the project's backends ({@code --backend}), every floating dtype overridden to f64. */
    record Project(Backend backend) implements Compiled {
        public Project {
            Objects.requireNonNull(backend, "backend == null");
        }

        @Override
        public String name() {
            return "the " + backend.spelling() + " backend (f64)";
        }

        @Override
        public CompiledModel compile(CheckedModel model) {
            return backend.compile(model, DType.F64);
        }
    }

    /** A backend given as a function, such as a decorator around another. */
    record Custom(String name, Function<CheckedModel, CompiledModel> compiler) implements Compiled {
        public Custom {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(compiler, "compiler == null");
        }

        @Override
        public CompiledModel compile(CheckedModel model) {
            return compiler.apply(model);
        }
    }
}
