package dev.modelc.compiler.backend;

import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.backend.java.JavaSourceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceRuntime;
import dev.modelc.runtime.device.DeviceUnavailableException;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.ModalModel;
import dev.modelc.runtime.model.Mode;
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
    JAVA,
    /**
     * The kernels rendered as CUDA C, compiled at run time with NVRTC and launched on an NVIDIA
     * GPU: the compiler renders the plans ({@link DeviceModel}) and the {@code modelc-cuda} module
     * runs them (the {@link DeviceRuntime} named {@code cuda}, found through ServiceLoader), which
     * must be on the class path, with a CUDA driver and NVRTC on the machine.
     */
    CUDA;

    public static final Backend DEFAULT = BYTECODE;

    /** The model compiled by this backend; {@code floating} (f32 or f64) overrides every declared floating dtype, null keeps them. */
    public CompiledModel compile(CheckedModel model, DType floating) {
        return compile(model, floating, 0);
    }

    /**
     * The model compiled by this backend for device number {@code device} (which only the
     * device backends use).
     *
     * @throws BackendUnavailableException when this backend cannot run here
     */
    public CompiledModel compile(CheckedModel model, DType floating, int device) {
        // Two programs when they differ (training step; the rest), each compiled on its own.
        if (!model.modal()) return compileProgram(model.inMode(Mode.EVALUATION), floating, device);
        return new ModalModel(compileProgram(model.inMode(Mode.EVALUATION), floating, device),
                compileProgram(model.inMode(Mode.TRAINING), floating, device), Mode.EVALUATION);
    }

    private CompiledModel compileProgram(CheckedModel model, DType floating, int device) {
        return switch (this) {
            case INTERP -> new InterpretedModel(model, floating == null ? Interpreter.Precision.DECLARED
                    : floating == DType.F64 ? Interpreter.Precision.F64 : Interpreter.Precision.F32);
            case BYTECODE -> new BytecodeModel(model, floating);
            case JAVA -> JavaSourceModel.load(model, floating);
            case CUDA -> {
                try {
                    yield new DeviceModel(model, floating, DeviceRuntime.open(spelling(), device));
                } catch (DeviceUnavailableException e) {
                    throw new BackendUnavailableException(this, e.reason());
                }
            }
        };
    }

    /** Why this backend cannot run here, or empty when it can (the JVM backends always can). */
    public java.util.Optional<String> unavailable() {
        return switch (this) {
            case INTERP, BYTECODE, JAVA -> java.util.Optional.empty();
            case CUDA -> DeviceRuntime.unavailable(spelling());
        };
    }

    /**
     * Runs a graph's OUTPUT results once (a subset of a model's outputs, say) on this backend, in
     * the order of the graph's outputs; {@code values} binds its inputs and params by name.
     */
    public java.util.List<dev.modelc.runtime.Tensor> runOutputs(dev.modelc.compiler.graph.Graph g,
                                                              java.util.Map<String, dev.modelc.runtime.Tensor> values, DType floating) {
        return runOutputs(g, values, floating, 0);
    }

    /** {@link #runOutputs(dev.modelc.compiler.graph.Graph, java.util.Map, DType)} on device number {@code device}. */
    public java.util.List<dev.modelc.runtime.Tensor> runOutputs(dev.modelc.compiler.graph.Graph g,
                                                              java.util.Map<String, dev.modelc.runtime.Tensor> values, DType floating,
                                                              int device) {
        CheckedModel m = GraphModel.of("Outputs", g.keeping(dev.modelc.compiler.graph.Graph.Role.OUTPUT));
        CompiledModel c = compile(m, floating, device);
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

    /** {@code interp, bytecode, java or cuda}. */
    public static String choices() {
        String all = Arrays.stream(values()).map(Backend::spelling).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
