package dev.modelc.compiler.backend.java;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.CompiledModel;

/** {@code --backend java}: the model's generated Java source compiled in memory with javac and loaded. */
public final class JavaSourceModel {
    /** The package generated classes are compiled into when run in-process. */
    public static final String PACKAGE = "dev.modelc.generated";

    private JavaSourceModel() {
    }

    public static CompiledModel load(CheckedModel model, DType floating) {
        String source = JavaSourceGenerator.generate(model, floating, PACKAGE).toString();
        return (CompiledModel) InMemoryJavac.compileAndInstantiate(PACKAGE + "." + model.name(), source);
    }
}
