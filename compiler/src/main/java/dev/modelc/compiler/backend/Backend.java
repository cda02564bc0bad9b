package dev.modelc.compiler.backend;

import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.backend.java.JavaSourceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What runs a model: {@code --backend} on the command line, {@code Program.model(name, backend)} in Java. */
public enum Backend {
    /** The reference interpreter: node by node in f64, rounded to each node's dtype. The oracle. */
    INTERP,
    /** Fused loops written as JVM bytecode with java.lang.classfile and loaded as hidden classes (the default). */
    BYTECODE,
    /** The same kernels rendered as Java source (what {@code modelc compile --emit java} writes), compiled in memory with javac. */
    JAVA;

    public static final Backend DEFAULT = BYTECODE;

    /** The model compiled by this backend; {@code floating} (f32 or f64) overrides every declared floating dtype, null keeps them. */
    public CompiledModel compile(CheckedModel model, DType floating) {
        return switch (this) {
            case INTERP -> new InterpretedModel(model, floating == null ? Interpreter.Precision.DECLARED
                    : floating == DType.F64 ? Interpreter.Precision.F64 : Interpreter.Precision.F32);
            case BYTECODE -> new BytecodeModel(model, floating);
            case JAVA -> JavaSourceModel.load(model, floating);
        };
    }

    /**
     * Runs a graph's OUTPUT results once (a subset of a model's outputs, say) on this backend, in
     * the order of the graph's outputs; {@code values} binds its inputs and params by name.
     */
    public java.util.List<dev.modelc.runtime.Tensor> runOutputs(dev.modelc.compiler.graph.Graph g,
                                                              java.util.Map<String, dev.modelc.runtime.Tensor> values, DType floating) {
        CheckedModel m = GraphModel.of("Outputs", g.keeping(dev.modelc.compiler.graph.Graph.Role.OUTPUT));
        CompiledModel c = compile(m, floating);
        java.util.Map<String, dev.modelc.runtime.Tensor> params = new java.util.HashMap<>();
        for (var p : c.params()) params.put(p.name(), values.get(p.name()));
        java.util.Map<String, dev.modelc.runtime.Tensor> out = c.forward(params, values);
        return m.signature().outputs().stream().map(o -> out.get(o.name())).toList();
    }

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The backend named {@code name}, or null. */
    public static Backend bySpelling(String name) {
        for (Backend b : values()) if (b.spelling().equals(name)) return b;
        return null;
    }

    /** {@code interp, bytecode or java}. */
    public static String choices() {
        String all = Arrays.stream(values()).map(Backend::spelling).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
