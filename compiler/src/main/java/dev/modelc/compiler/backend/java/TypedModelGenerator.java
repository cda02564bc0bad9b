package dev.modelc.compiler.backend.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.check.SignatureTable;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.Device;
import dev.modelc.runtime.device.DeviceSession;
import dev.modelc.runtime.device.DeviceUnavailableException;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.NamedTensors;
import dev.modelc.runtime.exec.Shapes;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.ModalModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Modifier;

/**
 * Renders a model as the class Java programs use: named after the model, holding its params as
 * a PyTorch {@code nn.Module} does, with methods typed by the model's own inputs and outputs
 * ({@code forward(Tensor x)} returning a record of the outputs, {@code lossAndGradients(x, y)},
 * {@code step(x, y)} for update rules or {@code step(optimizer, x, y)}), the params in
 * declaration order by path, and {@code .npz} save and load. The methods call the kernel class
 * {@link JavaSourceGenerator} writes, nested as {@code Kernels}, so the file needs the runtime alone.
 *
 * <p>A model with states holds them beside its params ({@code buffers()}, a {@code States}
 * record, saved and loaded with the params). A model with two programs (it reads {@code training}
 * or has state rules) carries both, the training step's nested as {@code TrainingKernels}, and a
 * mode as a PyTorch module does ({@code train()}, {@code eval()}): forward, the outputs, the loss
 * and its gradients run the program of the mode, the steps always the training step's.
 */
public final class TypedModelGenerator {
    private static final ClassName TENSOR = ClassName.get(Tensor.class);
    private static final ClassName SHAPES = ClassName.get(Shapes.class);
    private static final TypeName TENSOR_MAP = ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class), TENSOR);

    private final CheckedModel model;
    private final ModelSignature sig;
    private final DType floating;
    private final KernelClass kernels;
    /** The programs the typed calls run: the evaluation program (the only one of a model without modes) and the training step's. */
    private final Program evaluation, training;
    /** Whether the model has two programs, and so a mode; whether it holds states beside its params. */
    private final boolean modal, hasStates;
    private final ModelComments comments;
    private final ClassName self, kernelsType, trainingKernelsType, paramsType, statesType, outputsType, lossAndGradientsType;
    private final Map<String, String> inputNames = new LinkedHashMap<>(), paramNames = new LinkedHashMap<>(),
            stateNames = new LinkedHashMap<>(), outputNames = new LinkedHashMap<>(), outputMethods = new LinkedHashMap<>();
    /** The class's own methods, which an output's method must not take (nor Object's). */
    private static final List<String> METHODS = List.of("forward", "loss", "lossAndGradients", "step", "params", "setParams",
            "parameters", "save", "load", "compiled", "kernelsOn", "train", "eval", "mode", "buffers", "states", "setStates",
            "sessionOn");

    /** A program's kernel class as the typed class holds it: the instance field and what its entry points take and give. */
    private record Program(String field, KernelClass kernels) {
        KernelClass.Entry entry(EntryPoint e) {
            return java.util.Objects.requireNonNull(kernels.entries().get(e), () -> "the kernels have no " + e);
        }
    }

    /** Whether the model draws in the step ({@code rand_like}, ...): then its methods take a {@link StepKey}. */
    private final boolean draws;

    private TypedModelGenerator(CheckedModel model, DType floating, String packageName) {
        this.model = model;
        this.sig = model.signature();
        this.floating = floating;
        String name = model.name();
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            throw new IllegalArgumentException("model '" + name + "' is not a valid Java class name");
        }
        this.self = ClassName.get(packageName, name);
        // A nested type may not share the model's name; the suffix only matters for a model named Params, say.
        this.kernelsType = self.nestedClass(nested("Kernels"));
        this.trainingKernelsType = self.nestedClass(nested("TrainingKernels"));
        this.paramsType = self.nestedClass(nested("Params"));
        this.statesType = self.nestedClass(nested("States"));
        this.outputsType = self.nestedClass(nested("Outputs"));
        this.lossAndGradientsType = self.nestedClass(nested("LossAndGradients"));
        this.modal = model.modal();
        this.hasStates = !sig.states().isEmpty();
        // A model without modes keeps its one program as it always was; one with modes has each mode's, initializers in neither
        // mode (the evaluation program's class carries them).
        this.kernels = JavaSourceGenerator.kernelClass(modal ? model.inMode(Mode.EVALUATION) : model, floating,
                kernelsType.simpleName(), true, true);
        this.evaluation = new Program("kernels", kernels);
        this.training = modal ? new Program("trainingKernels", JavaSourceGenerator.kernelClass(model.inMode(Mode.TRAINING), floating,
                trainingKernelsType.simpleName(), true, false)) : evaluation;
        this.draws = model.graph().nodes().stream().anyMatch(n -> n.op() instanceof Op.Draw);
        Span any = anySpan(model);
        this.comments = any == null ? null : new ModelComments(any.source());
        // Method parameters must not take the names the methods use for themselves.
        MemberNames inputs = new MemberNames(draws ? List.of("optimizer", "results", "grads", "file", "key")
                : List.of("optimizer", "results", "grads", "file"));
        for (ModelSignature.Entry e : sig.inputs()) inputNames.put(e.name(), inputs.fresh(e.name()));
        List<String> paramReserved = new ArrayList<>(MemberNames.RECORD_RESERVED);
        paramReserved.add("byPath");
        MemberNames params = new MemberNames(paramReserved);
        for (ModelSignature.ParamEntry p : sig.params()) paramNames.put(p.path(), params.fresh(p.path()));
        MemberNames states = new MemberNames(paramReserved);
        for (ModelSignature.ParamEntry p : sig.states()) stateNames.put(p.path(), states.fresh(p.path()));
        MemberNames outputs = new MemberNames(MemberNames.RECORD_RESERVED);
        for (ModelSignature.Entry e : sig.outputs()) outputNames.put(e.name(), outputs.fresh(e.name()));
        List<String> methodReserved = new ArrayList<>(MemberNames.RECORD_RESERVED);
        methodReserved.add("equals");
        methodReserved.addAll(METHODS);
        MemberNames methods = new MemberNames(methodReserved);
        for (String o : kernels.outputs().keySet()) if (training.kernels().outputs().containsKey(o)) outputMethods.put(o, methods.fresh(o));
    }

    /** The Java file of {@code model}'s typed class, {@code packageName.model-name}; {@code floating} overrides floating dtypes (null keeps them). */
    public static JavaFile generate(CheckedModel model, DType floating, String packageName) {
        TypeSpec type = new TypedModelGenerator(model, floating, packageName).build();
        return JavaFile.builder(packageName, type)
                .skipJavaLangImports(true)
                .indent("    ")
                .addFileComment("Generated by modelc from $L. Do not edit: change the .model file and generate again.",
                        CommentText.of(JavaSourceGenerator.sourceName(model)))
                .build();
    }

    private String nested(String wanted) {
        return wanted.equals(model.name()) ? wanted + "_" : wanted;
    }

    private TypeSpec build() {
        TypeSpec.Builder t = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        classJavadoc(t);
        t.addField(FieldSpec.builder(kernelsType, "KERNELS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T()", kernelsType).build());
        if (modal) {
            t.addField(FieldSpec.builder(trainingKernelsType, "TRAINING_KERNELS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T()", trainingKernelsType).build());
        }
        t.addField(FieldSpec.builder(kernelsType, "kernels", Modifier.PRIVATE, Modifier.FINAL).build());
        if (modal) t.addField(FieldSpec.builder(trainingKernelsType, "trainingKernels", Modifier.PRIVATE, Modifier.FINAL).build());
        t.addField(FieldSpec.builder(paramsType, "params", Modifier.PRIVATE).build());
        if (hasStates) t.addField(FieldSpec.builder(statesType, "states", Modifier.PRIVATE).build());
        if (modal) {
            t.addField(FieldSpec.builder(Mode.class, "mode", Modifier.PRIVATE).initializer("$T.EVALUATION", Mode.class).build());
        }
        if (modal || hasStates) heldConstructors(t);
        else constructors(t);
        if (modal) modes(t);
        entry(EntryPoint.FORWARD).ifPresent(e -> t.addMethod(forward()));
        outputMethods.keySet().forEach(name -> t.addMethod(output(name)));
        entry(EntryPoint.LOSS).ifPresent(e -> t.addMethod(loss()));
        entry(EntryPoint.GRADIENTS).ifPresent(e -> t.addMethod(lossAndGradients()));
        entry(EntryPoint.UPDATE).ifPresent(e -> t.addMethod(updateStep()));
        entry(EntryPoint.GRADIENTS).ifPresent(e -> t.addMethod(optimizerStep()));
        paramAccess(t);
        if (hasStates) stateAccess(t);
        t.addType(heldRecord(paramsType, sig.params(), paramNames, "param"));
        if (hasStates) t.addType(heldRecord(statesType, sig.states(), stateNames, "state"));
        if (entry(EntryPoint.FORWARD).isPresent()) t.addType(outputsRecord());
        if (entry(EntryPoint.GRADIENTS).isPresent()) t.addType(lossAndGradientsRecord());
        t.addType(kernels.type().toBuilder().addModifiers(Modifier.STATIC).build());
        if (modal) t.addType(training.kernels().type().toBuilder().addModifiers(Modifier.STATIC).build());
        return t.build();
    }

    private java.util.Optional<KernelClass.Entry> entry(EntryPoint e) {
        return java.util.Optional.ofNullable(kernels.entries().get(e));
    }

    /** The programs a call runs in the mode the instance is in: the training step's first, for a model with modes. */
    private List<Program> running() {
        return modal ? List.of(training, evaluation) : List.of(evaluation);
    }

    /**
     * A call's statements: for a model with modes, the training program's under {@code if (mode ==
     * Mode.TRAINING)}, then the evaluation program's; else the one program's.
     */
    private void inMode(MethodSpec.Builder m, java.util.function.Function<Program, CodeBlock> body) {
        if (modal) m.beginControlFlow("if (mode == $T.TRAINING)", Mode.class).addCode(body.apply(training)).endControlFlow();
        m.addCode(body.apply(evaluation));
    }

    private void classJavadoc(TypeSpec.Builder t) {
        String doc = comments == null ? "" : comments.model(model.name());
        if (!doc.isEmpty()) t.addJavadoc("$L\n\n<p>", html(doc));
        t.addJavadoc("Model {@code $L} of <code>$L</code>, generated by modelc$L. An instance holds the model's params, as a PyTorch\n"
                        + "{@code nn.Module} does, and runs the model's generated kernels ({@link $T}) on them. Every tensor's shape is\n"
                        + "checked where it comes in; a symbolic size such as {@code N} is bound by the first tensor that has it.\n\n",
                model.name(), CommentText.javadoc(JavaSourceGenerator.sourceName(model)),
                floating == null ? "" : " with every floating value as " + floating.spelling(), kernelsType);
        if (hasStates) {
            t.addJavadoc("<p>It holds the model's states too ({@link #buffers()}, PyTorch's buffers): saved and loaded with the params,\n"
                    + "never differentiated nor given to an optimizer, changed only by their update rules in the training step.\n\n");
        }
        if (modal) {
            t.addJavadoc("<p>The model has two programs (it reads {@code training} or has states), both inside: the training step's\n"
                    + "({@link $T}) and the evaluation's. Like a module it has a mode, {@link #train()} or {@link #eval()}, that\n"
                    + "{@code forward}, the outputs, {@code loss} and {@code lossAndGradients} run in; it starts in evaluation mode\n"
                    + "(where PyTorch's modules start in training mode). {@code step} always runs the training step.\n\n",
                    trainingKernelsType);
        }
        t.addJavadoc("<pre>\n$L</pre>\n", html(SignatureTable.render(sig)));
    }

    private void constructors(TypeSpec.Builder t) {
        KernelClass.Entry init = kernels.entries().get(EntryPoint.INIT);
        boolean initializable = init != null && sig.params().stream().allMatch(p -> init.results().contains(p.path()));
        if (initializable) {
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model with its params from their initializers, random ones drawn with seed 0.\n")
                    .addStatement("this(0L)").build());
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model with its params from their initializers, random ones drawn with {@code seed} (each param\n"
                            + "from its own stream, keyed by its path).\n")
                    .addParameter(TypeName.LONG, "seed")
                    .addStatement("this($T.jvm(), seed)", Device.class).build());
        }
        t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("The model with the given params.\n")
                .addParameter(paramsType, "params")
                .addStatement("this($T.jvm(), params)", Device.class)
                .build());
        if (initializable) {
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model on {@code device}, such as {@code Device.cuda(0)} (with {@code modelc-cuda} on the class\n"
                            + "path), with its params from their initializers, random ones drawn with seed 0.\n")
                    .addParameter(Device.class, "device")
                    .addStatement("this(device, 0L)").build());
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model on {@code device}, with its params from their initializers, random ones drawn with\n"
                            + "{@code seed} (each param from its own stream, keyed by its path).\n\n"
                            + "@throws $T when {@code device} cannot run here\n", DeviceUnavailableException.class)
                    .addParameter(Device.class, "device")
                    .addParameter(TypeName.LONG, "seed")
                    .addStatement("this.kernels = kernelsOn(device)")
                    .addStatement("$T[] init = kernels.initialParams(new $T[0], seed)", TENSOR, TENSOR)
                    .addStatement("this.params = $L", newParams(path -> CodeBlock.of("init[$L]", init.results().indexOf(path))))
                    .build());
        }
        t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("The model on {@code device} with the given params.\n\n"
                        + "@throws $T when {@code device} cannot run here\n", DeviceUnavailableException.class)
                .addParameter(Device.class, "device")
                .addParameter(paramsType, "params")
                .addStatement("this.kernels = kernelsOn(device)")
                .addStatement("this.params = $T.requireNonNull(params, $S)", Objects.class, "params == null")
                .build());
        t.addMethod(MethodSpec.methodBuilder("kernelsOn").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(kernelsType)
                .addJavadoc("The kernels on the JVM (shared), or on a device (its own session: what it keeps there is this instance's).\n")
                .addParameter(Device.class, "device")
                .addStatement("return $T.requireNonNull(device, $S) instanceof $T a ? new $T(a.open()) : KERNELS", Objects.class,
                        "device == null", Device.Accelerator.class, kernelsType)
                .build());
    }


    /**
     * The constructors of a model with modes or states: each public one hands the device's session
     * (null on the JVM), the seed and what it was given to one private constructor, which draws what
     * was not given from the initializers. Both programs share the session, so what a device keeps
     * (the params) is shared between them.
     */
    private void heldConstructors(TypeSpec.Builder t) {
        KernelClass.Entry init = kernels.entries().get(EntryPoint.INIT);
        boolean initializable = init != null && sig.params().stream().allMatch(p -> init.results().contains(p.path()));
        String nulls = hasStates ? "null, null" : "null";
        if (initializable) {
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model with its params$L from their initializers, random ones drawn with seed 0.\n", andStates())
                    .addStatement("this(0L)").build());
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model with its params$L from their initializers, random ones drawn with {@code seed} (each from its\n"
                            + "own stream, keyed by its path).\n", andStates())
                    .addParameter(TypeName.LONG, "seed")
                    .addStatement("this($T.jvm(), seed)", Device.class).build());
        }
        t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("The model with the given params$L.\n", hasStates ? " and its states from their initializers (seed 0)" : "")
                .addParameter(paramsType, "params")
                .addStatement("this($T.jvm(), params)", Device.class)
                .build());
        if (hasStates) {
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model with the given params and states.\n")
                    .addParameter(paramsType, "params").addParameter(statesType, "states")
                    .addStatement("this($T.jvm(), params, states)", Device.class)
                    .build());
        }
        if (initializable) {
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model on {@code device}, such as {@code Device.cuda(0)} (with {@code modelc-cuda} on the class\n"
                            + "path), with its params$L from their initializers, random ones drawn with seed 0.\n", andStates())
                    .addParameter(Device.class, "device")
                    .addStatement("this(device, 0L)").build());
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model on {@code device}, with its params$L from their initializers, random ones drawn with\n"
                            + "{@code seed} (each from its own stream, keyed by its path).\n\n"
                            + "@throws $T when {@code device} cannot run here\n", andStates(), DeviceUnavailableException.class)
                    .addParameter(Device.class, "device")
                    .addParameter(TypeName.LONG, "seed")
                    .addStatement("this(sessionOn(device), seed, $L)", nulls).build());
        }
        t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("The model on {@code device} with the given params$L.\n\n"
                        + "@throws $T when {@code device} cannot run here\n",
                        hasStates ? " and its states from their initializers (seed 0)" : "", DeviceUnavailableException.class)
                .addParameter(Device.class, "device")
                .addParameter(paramsType, "params")
                .addStatement("this(sessionOn(device), 0L, $T.requireNonNull(params, $S)$L)", Objects.class, "params == null",
                        hasStates ? ", null" : "")
                .build());
        if (hasStates) {
            t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model on {@code device} with the given params and states.\n\n"
                            + "@throws $T when {@code device} cannot run here\n", DeviceUnavailableException.class)
                    .addParameter(Device.class, "device")
                    .addParameter(paramsType, "params").addParameter(statesType, "states")
                    .addStatement("this(sessionOn(device), 0L, $T.requireNonNull(params, $S), $T.requireNonNull(states, $S))",
                            Objects.class, "params == null", Objects.class, "states == null")
                    .build());
        }
        MethodSpec.Builder main = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                .addJavadoc("The kernels on the JVM (shared, {@code session} null) or in {@code session}; what is not given, from the\n"
                        + "initializers drawn with {@code seed}.\n")
                .addParameter(DeviceSession.class, "session").addParameter(TypeName.LONG, "seed").addParameter(paramsType, "params");
        if (hasStates) main.addParameter(statesType, "states");
        main.addStatement("this.kernels = session == null ? KERNELS : new $T(session)", kernelsType);
        if (modal) main.addStatement("this.trainingKernels = session == null ? TRAINING_KERNELS : new $T(session)", trainingKernelsType);
        CodeBlock fromInit = hasStates ? (initializable ? CodeBlock.of("params == null || states == null") : CodeBlock.of("states == null"))
                : CodeBlock.of("params == null");
        if (initializable || hasStates) {
            main.addStatement("$T[] init = $L ? kernels.initialParams(new $T[0], seed) : null", TENSOR, fromInit, TENSOR);
        }
        if (initializable) {
            main.addStatement("this.params = params != null ? params : $L",
                    newParams(path -> CodeBlock.of("init[$L]", init.results().indexOf(path))));
        } else {
            main.addStatement("this.params = $T.requireNonNull(params, $S)", Objects.class, "params == null");
        }
        if (hasStates) {
            main.addStatement("this.states = states != null ? states : $L",
                    newStates(path -> CodeBlock.of("init[$L]", result(init, path))));
        }
        t.addMethod(main.build());
        t.addMethod(MethodSpec.methodBuilder("sessionOn").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(DeviceSession.class)
                .addJavadoc("A session on {@code device}, this instance's (null on the JVM, whose kernels are shared).\n")
                .addParameter(Device.class, "device")
                .addStatement("return $T.requireNonNull(device, $S) instanceof $T a ? a.open() : null", Objects.class,
                        "device == null", Device.Accelerator.class)
                .build());
    }

    private String andStates() {
        return hasStates ? " and states" : "";
    }

    /** {@code train()}, {@code eval()} and {@code mode()}, as PyTorch's {@code model.train()}, {@code model.eval()}, {@code model.training}. */
    private void modes(TypeSpec.Builder t) {
        String calls = "{@code forward}, the outputs, {@code loss} and {@code lossAndGradients}";
        t.addMethod(MethodSpec.methodBuilder("train").addModifiers(Modifier.PUBLIC).returns(self)
                .addJavadoc("Runs $L with {@code training} true (the training step's program, its draws such as dropout's\n"
                        + "included; the states are read, not updated), as PyTorch's {@code model.train()}.\n\n@return this model\n", calls)
                .addStatement("mode = $T.TRAINING", Mode.class).addStatement("return this").build());
        t.addMethod(MethodSpec.methodBuilder("eval").addModifiers(Modifier.PUBLIC).returns(self)
                .addJavadoc("Runs $L with {@code training} false (the initial mode), as PyTorch's {@code model.eval()}.\n\n"
                        + "@return this model\n", calls)
                .addStatement("mode = $T.EVALUATION", Mode.class).addStatement("return this").build());
        t.addMethod(MethodSpec.methodBuilder("mode").addModifiers(Modifier.PUBLIC).returns(Mode.class)
                .addJavadoc("The mode $L run in.\n", calls).addStatement("return mode").build());
    }

    private MethodSpec forward() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC).returns(outputsType)
                .addJavadoc("The outputs for a batch of inputs, with the current params$L.\n\n", inTheMode());
        inputs(m, EntryPoint.FORWARD);
        m.addJavadoc("@return $L\n", sig.outputs().stream().map(o -> o.name() + " " + code(type(o.type())))
                .collect(Collectors.joining(", ")));
        inMode(m, p -> {
            KernelClass.Entry e = p.entry(EntryPoint.FORWARD);
            return CodeBlock.builder().addStatement("$T[] results = $L.forward($L, $L)", TENSOR, p.field(), arguments(e), drawKey())
                    .addStatement("return new $T($L)", outputsType, sig.outputs().stream()
                            .map(o -> CodeBlock.of("results[$L]", result(e, o.name()))).collect(CodeBlock.joining(", ")))
                    .build();
        });
        return m.build();
    }

    /** Where a call runs the program of the instance's mode, its Javadoc says so. */
    private String inTheMode() {
        return modal ? ", in the current mode" : "";
    }

    /**
     * One output from only the inputs it depends on ({@code logits(x)} where {@code forward} takes
     * labels too for an {@code accuracy} output), by a plan of that output alone.
     */
    private MethodSpec output(String name) {
        ModelSignature.Entry out = sig.outputs().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        MethodSpec.Builder m = MethodSpec.methodBuilder(outputMethods.get(name)).addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("Output {@code $L} alone for a batch, with the current params$L: it needs only these inputs, where\n"
                        + "{@link #forward} needs more.\n\n", name, inTheMode());
        List<KernelClass.Entry> entries = running().stream().map(p -> p.kernels().outputs().get(name).entry()).toList();
        inputs(m, entries);
        String doc = comment(out.span());
        m.addJavadoc("@return $L$L\n", code(type(out.type())), doc.isEmpty() ? "" : ": " + html(doc));
        inMode(m, p -> {
            KernelClass.OutputEntry o = p.kernels().outputs().get(name);
            return CodeBlock.builder().addStatement("return $L.$L($L, $L)[$L]", p.field(), o.method(), arguments(o.entry()), drawKey(),
                    result(o.entry(), name)).build();
        });
        return m.build();
    }

    private MethodSpec loss() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("loss").addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("The loss of a batch, with the current params$L.\n\n", inTheMode());
        inputs(m, EntryPoint.LOSS);
        m.addJavadoc("@return the loss, $L\n", code(type(sig.loss().orElseThrow().type())));
        inMode(m, p -> {
            KernelClass.Entry e = p.entry(EntryPoint.LOSS);
            return CodeBlock.builder().addStatement("return $L.loss($L, $L)[$L]", p.field(), arguments(e), drawKey(), result(e, "loss"))
                    .build();
        });
        return m.build();
    }

    private MethodSpec lossAndGradients() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("lossAndGradients").addModifiers(Modifier.PUBLIC).returns(lossAndGradientsType)
                .addJavadoc("The loss of a batch and its gradient with respect to every param, with the current params$L.\n\n",
                        modal ? ", in the current mode (the states are not updated: {@code step} does that)" : "");
        inputs(m, EntryPoint.GRADIENTS);
        m.addJavadoc("@return the loss and the gradients, by param\n");
        inMode(m, p -> {
            KernelClass.Entry e = p.entry(EntryPoint.GRADIENTS);
            return CodeBlock.builder()
                    .addStatement("$T[] results = $L.lossAndGradients($L, $L)", TENSOR, p.field(), arguments(e), drawKey())
                    .addStatement("return new $T(results[$L], $L)", lossAndGradientsType, result(e, "loss"),
                            newParams(path -> CodeBlock.of("results[$L]", result(e, path))))
                    .build();
        });
        return m.build();
    }

    private MethodSpec updateStep() {
        KernelClass.Entry e = training.entry(EntryPoint.UPDATE);
        MethodSpec.Builder m = MethodSpec.methodBuilder("step").addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("One step of the model's update rules ({@code update $L}) on a batch: the params after it\n"
                        + "replace the current ones$L$L.\n\n", String.join(", ", sig.updated()),
                        sig.updated().size() < sig.params().size() ? " (params without a rule keep their values)" : "",
                        stepNote());
        inputs(m, List.of(e));
        m.addJavadoc("@return the batch's loss before the step\n");
        m.addStatement("$T[] results = $L.updateStep($L, $L)", TENSOR, training.field(), arguments(e), drawKey());
        m.addStatement("this.params = $L", newParams(path -> e.results().contains(path)
                ? CodeBlock.of("results[$L]", result(e, path)) : CodeBlock.of("params.$L()", paramNames.get(path))));
        if (hasStates) m.addStatement("this.states = $L", newStates(path -> stateAfter(e, path)));
        m.addStatement("return results[$L]", result(e, "loss"));
        return m.build();
    }

    /** What the steps' Javadoc adds for a model with modes or states. */
    private String stepNote() {
        String states = hasStates ? "; the states take the values their rules give" : "";
        return modal ? ", in the training step whatever the mode" + states : states;
    }

    /** A state after a step: its rule's value, or the current one for a state without a rule. */
    private CodeBlock stateAfter(KernelClass.Entry e, String path) {
        return e.results().contains(path) ? CodeBlock.of("results[$L]", result(e, path)) : CodeBlock.of("states.$L()", stateNames.get(path));
    }

    private MethodSpec optimizerStep() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("step").addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("One step of {@code optimizer} on the loss's gradients for a batch, as {@code loss.backward();\n"
                        + "optimizer.step()} in PyTorch: the params after it replace the current ones$L. The optimizer keeps its\n"
                        + "own state (momentum, Adam's moments) by param path.\n\n", stepNote())
                .addParameter(Optimizer.class, "optimizer")
                .addJavadoc("@param optimizer the optimizer, such as {@code new Sgd(1e-5)}\n");
        if (!modal && !hasStates) {
            KernelClass.Entry e = evaluation.entry(EntryPoint.GRADIENTS);
            inputs(m, List.of(e));
            m.addJavadoc("@return the batch's loss before the step\n");
            m.addStatement("$T.requireNonNull(optimizer, $S)", Objects.class, "optimizer == null");
            List<CodeBlock> passed = new ArrayList<>(typedInputs(List.of(e)).stream()
                    .map(i -> CodeBlock.of("$L", inputNames.get(i.name()))).toList());
            if (draws) passed.add(CodeBlock.of("key"));
            m.addStatement("$T grads = lossAndGradients($L)", lossAndGradientsType, CodeBlock.join(passed, ", "));
            m.addStatement("this.params = $T.of(optimizer.step(params.byPath(), grads.gradients().byPath()))", paramsType);
            m.addStatement("return grads.loss()");
            return m.build();
        }
        // The training step's program, whatever the mode, whose results hold the states after their rules too.
        KernelClass.Entry e = training.entry(EntryPoint.GRADIENTS);
        inputs(m, List.of(e));
        m.addJavadoc("@return the batch's loss before the step\n");
        m.addStatement("$T.requireNonNull(optimizer, $S)", Objects.class, "optimizer == null");
        m.addStatement("$T[] results = $L.lossAndGradients($L, $L)", TENSOR, training.field(), arguments(e), drawKey());
        m.addStatement("$T grads = $L", paramsType, newParams(path -> CodeBlock.of("results[$L]", result(e, path))));
        m.addStatement("this.params = $T.of(optimizer.step(params.byPath(), grads.byPath()))", paramsType);
        if (hasStates) m.addStatement("this.states = $L", newStates(path -> stateAfter(e, path)));
        m.addStatement("return results[$L]", result(e, "loss"));
        return m.build();
    }

    private void paramAccess(TypeSpec.Builder t) {
        t.addMethod(MethodSpec.methodBuilder("params").addModifiers(Modifier.PUBLIC).returns(paramsType)
                .addJavadoc("The current params.\n").addStatement("return params").build());
        t.addMethod(MethodSpec.methodBuilder("setParams").addModifiers(Modifier.PUBLIC)
                .addJavadoc("Replaces the params.\n").addParameter(paramsType, "params")
                .addStatement("this.params = $T.requireNonNull(params, $S)", Objects.class, "params == null").build());
        t.addMethod(MethodSpec.methodBuilder("parameters").addModifiers(Modifier.PUBLIC).returns(TENSOR_MAP)
                .addJavadoc("The current params by path ({@code linear.weight}), in declaration order: PyTorch's\n"
                        + "{@code named_parameters()} order, and the names {@link #save} writes$L.\n",
                        hasStates ? " (before the states', {@link #buffers()})" : "")
                .addStatement("return params.byPath()").build());
        if (hasStates) {
            String paths = sig.states().stream().map(p -> CodeBlock.of("$S", p.path()).toString()).collect(Collectors.joining(", "));
            t.addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC).addException(IOException.class)
                    .addJavadoc("Writes the params and then the states to an {@code .npz} file (NumPy's {@code np.savez}; PyTorch's\n"
                            + "{@code state_dict()}), one array per path, replacing it atomically.\n")
                    .addParameter(Path.class, "file")
                    .addStatement("$T<$T, $T> held = new $T<>(params.byPath())", Map.class, String.class, TENSOR, LinkedHashMap.class)
                    .addStatement("held.putAll(states.byPath())")
                    .addStatement("$T.write(file, held)", Npz.class).build());
            t.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC).addException(IOException.class)
                    .addJavadoc("Replaces the params and the states with those of an {@code .npz} file, which must hold exactly this\n"
                            + "model's param and state paths, each with its declared shape (nothing is replaced otherwise).\n")
                    .addParameter(Path.class, "file")
                    .addStatement("$T<$T, $T> held = new $T<>($T.read(file))", Map.class, String.class, TENSOR, LinkedHashMap.class,
                            Npz.class)
                    .addStatement("$T<$T, $T> stateValues = new $T<>()", Map.class, String.class, TENSOR, LinkedHashMap.class)
                    .addStatement("for ($T path : $T.of($L)) if (held.containsKey(path)) stateValues.put(path, held.remove(path))",
                            String.class, List.class, paths)
                    .addStatement("$T loaded = $T.of(file.toString(), held)", paramsType, paramsType)
                    .addStatement("this.states = $T.of(file.toString(), stateValues)", statesType)
                    .addStatement("this.params = loaded").build());
        } else {
            t.addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC).addException(IOException.class)
                    .addJavadoc("Writes the params to an {@code .npz} file (NumPy's {@code np.savez}), one array per path, replacing it\n"
                            + "atomically.\n")
                    .addParameter(Path.class, "file").addStatement("$T.write(file, params.byPath())", Npz.class).build());
            t.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC).addException(IOException.class)
                    .addJavadoc("Replaces the params with those of an {@code .npz} file, which must hold exactly this model's param\n"
                            + "paths, each with its declared shape.\n")
                    .addParameter(Path.class, "file").addStatement("this.params = $T.load(file)", paramsType).build());
        }
        MethodSpec.Builder compiled = MethodSpec.methodBuilder("compiled").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(CompiledModel.class)
                .addJavadoc("The model as the runtime's stateless {@link $T}, params passed in and out by path: for\n"
                        + "{@code Trainer.fit} and other code written against any compiled model.$L\n", CompiledModel.class,
                        modal ? " Both programs, in evaluation mode\n(its {@code inMode(Mode.TRAINING)} runs the training step's)."
                                : "");
        if (modal) compiled.addStatement("return new $T(KERNELS, TRAINING_KERNELS, $T.EVALUATION)", ModalModel.class, Mode.class);
        else compiled.addStatement("return KERNELS");
        t.addMethod(compiled.build());
    }

    /** {@code states()}, {@code setStates} and {@code buffers()}, beside the params'. */
    private void stateAccess(TypeSpec.Builder t) {
        t.addMethod(MethodSpec.methodBuilder("states").addModifiers(Modifier.PUBLIC).returns(statesType)
                .addJavadoc("The current states.\n").addStatement("return states").build());
        t.addMethod(MethodSpec.methodBuilder("setStates").addModifiers(Modifier.PUBLIC)
                .addJavadoc("Replaces the states.\n").addParameter(statesType, "states")
                .addStatement("this.states = $T.requireNonNull(states, $S)", Objects.class, "states == null").build());
        t.addMethod(MethodSpec.methodBuilder("buffers").addModifiers(Modifier.PUBLIC).returns(TENSOR_MAP)
                .addJavadoc("The current states by path ({@code bn.running_mean}), in declaration order: PyTorch's\n"
                        + "{@code named_buffers()}, beside {@link #parameters()}.\n")
                .addStatement("return states.byPath()").build());
    }

    /**
     * The record of the params ({@code kind} param) or of the states: a tensor per path, each
     * converted to its declared dtype and checked against its declared shape.
     */
    private TypeSpec heldRecord(ClassName recordType, List<ModelSignature.ParamEntry> entries, Map<String, String> names, String kind) {
        MethodSpec.Builder components = MethodSpec.constructorBuilder();
        MethodSpec.Builder ctor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC);
        TypeSpec.Builder r = TypeSpec.recordBuilder(recordType.simpleName()).addModifiers(Modifier.PUBLIC)
                .addJavadoc(kind.equals("param")
                        ? "The params of {@code $L}, one tensor per param path (also the form of their gradients). Each is\n"
                                + "converted to its declared dtype and checked against its declared shape.\n\n"
                        : "The states of {@code $L} (PyTorch's buffers), one tensor per state path. Each is converted to its\n"
                                + "declared dtype and checked against its declared shape.\n\n", model.name());
        for (ModelSignature.ParamEntry p : entries) {
            String name = names.get(p.path());
            TensorType type = type(p.type());
            components.addParameter(TENSOR, name);
            String doc = comment(p.span());
            r.addJavadoc("@param $L $L {@code $L}, $L, initially <code>$L</code>$L\n", name, kind, p.path(), code(type), html(p.init()),
                    doc.isEmpty() ? "" : ": " + html(doc));
            if (type.shape().isConcrete()) {
                ctor.addStatement("$T.check($S, $S, $L$L)", SHAPES, kind, p.path(), name, type.shape().dims().stream()
                        .map(d -> ", " + d.constant()).collect(Collectors.joining()));
            } else {
                ctor.addStatement("$T.requireNonNull($L, $S)", Objects.class, name, "no value for " + kind + " '" + p.path() + "'");
            }
            ctor.addStatement("$L = $L.to($T.$L)", name, name, DType.class, type.dtype().name());
        }
        r.recordConstructor(components.build()).addMethod(ctor.build());
        CodeBlock.Builder put = CodeBlock.builder()
                .addStatement("$T<$T, $T> byPath = new $T<>()", LinkedHashMap.class, String.class, TENSOR, LinkedHashMap.class);
        for (ModelSignature.ParamEntry p : entries) put.addStatement("byPath.put($S, $L)", p.path(), names.get(p.path()));
        r.addMethod(MethodSpec.methodBuilder("byPath").addModifiers(Modifier.PUBLIC).returns(TENSOR_MAP)
                .addJavadoc("The $Ls by path, in declaration order (unmodifiable).\n", kind)
                .addCode(put.build()).addStatement("return $T.unmodifiableMap(byPath)", Collections.class).build());
        String paths = entries.stream().map(p -> CodeBlock.of("$S", p.path()).toString()).collect(Collectors.joining(", "));
        r.addMethod(MethodSpec.methodBuilder("of").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(recordType)
                .addJavadoc("The $Ls from tensors by path, which must be exactly this model's $L paths.\n", kind, kind)
                .addParameter(TENSOR_MAP, "byPath")
                .addStatement("return of($S, byPath)", "the " + kind + "s given").build());
        r.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(recordType)
                .addException(IOException.class)
                .addJavadoc("The $Ls in an {@code .npz} file, which must hold exactly this model's $L paths.\n", kind, kind)
                .addParameter(Path.class, "file")
                .addStatement("return of(file.toString(), $T.read(file))", Npz.class).build());
        // The params keep the call that names no kind, so that the classes of models without states read as before.
        CodeBlock take = kind.equals("param")
                ? CodeBlock.of("$T[] t = $T.take(where, byPath$L)", TENSOR, NamedTensors.class, paths.isEmpty() ? "" : ", " + paths)
                : CodeBlock.of("$T[] t = $T.take(where, $S, byPath, $L)", TENSOR, NamedTensors.class, kind, paths);
        r.addMethod(MethodSpec.methodBuilder("of").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(recordType)
                .addParameter(String.class, "where").addParameter(TENSOR_MAP, "byPath")
                .addStatement(take)
                .addStatement("return $L", CodeBlock.of("new $T($L)", recordType, java.util.stream.IntStream.range(0, entries.size())
                        .mapToObj(i -> CodeBlock.of("t[$L]", i)).collect(CodeBlock.joining(", ")))).build());
        return r.build();
    }

    private TypeSpec outputsRecord() {
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
        TypeSpec.Builder r = TypeSpec.recordBuilder(outputsType.simpleName()).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The outputs of {@code $L} for a batch.\n\n", model.name());
        for (ModelSignature.Entry o : sig.outputs()) {
            String name = outputNames.get(o.name());
            ctor.addParameter(TENSOR, name);
            String doc = comment(o.span());
            r.addJavadoc("@param $L output {@code $L}, $L$L\n", name, o.name(), code(type(o.type())), doc.isEmpty() ? "" : ": " + html(doc));
        }
        return r.recordConstructor(ctor.build()).build();
    }

    private TypeSpec lossAndGradientsRecord() {
        return TypeSpec.recordBuilder(lossAndGradientsType.simpleName()).addModifiers(Modifier.PUBLIC)
                .addJavadoc("A batch's loss and its gradient with respect to every param.\n\n"
                        + "@param loss the loss, $L\n@param gradients the gradients, by param (zeros for a param the loss does not\n"
                        + "    depend on)\n", code(type(sig.loss().orElseThrow().type())))
                .recordConstructor(MethodSpec.constructorBuilder().addParameter(TENSOR, "loss").addParameter(paramsType, "gradients").build())
                .build();
    }

    /** The inputs entry point {@code e} reads in either program the instance may run. */
    private void inputs(MethodSpec.Builder m, EntryPoint e) {
        inputs(m, running().stream().map(p -> p.entry(e)).toList());
    }

    /** The entries' inputs as the method's parameters, in declaration order, each documented with its type and comment. */
    private void inputs(MethodSpec.Builder m, List<KernelClass.Entry> entries) {
        for (ModelSignature.Entry i : typedInputs(entries)) {
            String name = inputNames.get(i.name());
            m.addParameter(TENSOR, name);
            String doc = comment(i.span());
            m.addJavadoc("@param $L input {@code $L}, $L$L\n", name, i.name(), code(type(i.type())), doc.isEmpty() ? "" : ": " + html(doc));
        }
        if (draws) {
            m.addParameter(StepKey.class, "key");
            m.addJavadoc("@param key what the step's draws ({@code rand_like}, {@code bernoulli}, ...) are keyed by: {@code new StepKey(seed, step)}\n");
        }
    }

    /** The long a kernel method's draws are keyed by: the key's, for a model that draws in the step (its methods take one). */
    private CodeBlock drawKey() {
        return draws ? CodeBlock.of("$T.requireNonNull(key, $S).key()", Objects.class, "key == null") : CodeBlock.of("0L");
    }

    /**
     * The inputs the entries read (forward, say, only those its outputs depend on), in declaration
     * order: of both programs' entries for a model with modes, which may read different ones.
     */
    private List<ModelSignature.Entry> typedInputs(List<KernelClass.Entry> entries) {
        return sig.inputs().stream().filter(i -> entries.stream().anyMatch(e -> e.arguments().contains(i.name()))).toList();
    }

    /** {@code new Tensor[] {x, params.w(), states.s(), ...}}: the kernel method's arguments, in the plan's order. */
    private CodeBlock arguments(KernelClass.Entry e) {
        CodeBlock args = e.arguments().stream().map(a -> inputNames.containsKey(a) ? CodeBlock.of("$L", inputNames.get(a))
                : stateNames.containsKey(a) ? CodeBlock.of("states.$L()", stateNames.get(a))
                : CodeBlock.of("params.$L()", Objects.requireNonNull(paramNames.get(a), () -> "unknown argument " + a)))
                .collect(CodeBlock.joining(", "));
        return CodeBlock.of("new $T[] {$L}", TENSOR, args);
    }

    private static int result(KernelClass.Entry e, String name) {
        int i = e.results().indexOf(name);
        if (i < 0) throw new IllegalStateException("the kernels give no result '" + name + "' (they give " + e.results() + ")");
        return i;
    }

    private CodeBlock newParams(java.util.function.Function<String, CodeBlock> value) {
        return CodeBlock.of("new $T($L)", paramsType, sig.params().stream().map(p -> value.apply(p.path())).collect(CodeBlock.joining(", ")));
    }

    private CodeBlock newStates(java.util.function.Function<String, CodeBlock> value) {
        return CodeBlock.of("new $T($L)", statesType, sig.states().stream().map(p -> value.apply(p.path())).collect(CodeBlock.joining(", ")));
    }

    /** A type as the generated code runs it: with the floating override applied. */
    private TensorType type(TensorType t) {
        return floating != null && t.isFloating() ? t.withDType(floating) : t;
    }

    private static String code(TensorType t) {
        return "{@code " + t + "}";
    }

    private String comment(Span span) {
        return comments == null || span == null ? "" : comments.entry(span);
    }

    /** Text from the {@code .model} file, quoted in a Javadoc comment. */
    private static String html(String s) {
        return CommentText.javadoc(s);
    }

    private static Span anySpan(CheckedModel model) {
        ModelSignature s = model.signature();
        for (ModelSignature.Entry e : s.inputs()) if (e.span() != null) return e.span();
        for (ModelSignature.ParamEntry p : s.params()) if (p.span() != null) return p.span();
        for (ModelSignature.Entry e : s.outputs()) if (e.span() != null) return e.span();
        if (s.loss().isPresent() && s.loss().get().span() != null) return s.loss().get().span();
        return model.graph().nodes().stream().map(n -> n.span()).filter(Objects::nonNull).findFirst().orElse(null);
    }
}
