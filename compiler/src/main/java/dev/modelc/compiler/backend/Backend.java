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
    JAVA,
    /**
     * The kernels rendered as CUDA C, compiled at run time with NVRTC and launched on an NVIDIA
     * GPU; implemented by the {@code modelc-cuda} module (a {@link DeviceBackend}), which must be
     * on the class path, with a CUDA driver and NVRTC on the machine.
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
        return switch (this) {
            case INTERP -> new InterpretedModel(model, floating == null ? Interpreter.Precision.DECLARED
                    : floating == DType.F64 ? Interpreter.Precision.F64 : Interpreter.Precision.F32);
            case BYTECODE -> new BytecodeModel(model, floating);
            case JAVA -> JavaSourceModel.load(model, floating);
            case CUDA -> {
                DeviceBackend d = provider().orElseThrow(() -> new BackendUnavailableException(this, NOT_ON_CLASS_PATH));
                d.unavailable().ifPresent(reason -> {
                    throw new BackendUnavailableException(this, reason);
                });
                yield d.compile(model, floating, device);
            }
        };
    }

    private static final String NOT_ON_CLASS_PATH = "the modelc-cuda module is not on the class path";

    /** Why this backend cannot run here, or empty when it can (the JVM backends always can). */
    public java.util.Optional<String> unavailable() {
        return switch (this) {
            case INTERP, BYTECODE, JAVA -> java.util.Optional.empty();
            case CUDA -> provider().map(DeviceBackend::unavailable).orElse(java.util.Optional.of(NOT_ON_CLASS_PATH));
        };
    }

    /** The {@link DeviceBackend} registered for this backend, if any module on the class path has one. */
    private java.util.Optional<DeviceBackend> provider() {
        return Providers.ALL.stream().filter(p -> p.backend() == this).findFirst();
    }

    /** Loaded once, on first use of a device backend: a JVM-only run never scans for them. */
    private static final class Providers {
        static final java.util.List<DeviceBackend> ALL = java.util.ServiceLoader.load(DeviceBackend.class,
                Backend.class.getClassLoader()).stream().map(java.util.ServiceLoader.Provider::get).toList();
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
