package dev.modelc.compiler.backend.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.PlanLowering;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.kernel.Buffer;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.compiler.passes.Retype;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import dev.modelc.runtime.device.DeviceSession;
import dev.modelc.runtime.exec.GeneratedModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.plan.JvmTarget;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import dev.modelc.runtime.plan.PlanText;
import dev.modelc.runtime.exec.RangeKernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Renders a model's kernel plans as one Java class that depends on the runtime alone: per entry
 * point, its plan as {@link PlanText} handed to the runtime's {@link PlanRunner} (which binds
 * the sizes, checks the shapes, allocates the slots and runs the steps, as for every backend)
 * and a static method per fused loop, each with a comment naming the {@code .model} line it came
 * from. The class extends {@link GeneratedModel}, so it is a {@code CompiledModel} like any
 * other backend's.
 */
public final class JavaSourceGenerator {
    private static final ClassName TENSOR = ClassName.get(Tensor.class);
    private static final ClassName DTYPE = ClassName.get(DType.class);
    private static final ClassName GENERATED = ClassName.get(GeneratedModel.class);
    private static final ClassName LIST = ClassName.get(List.class);

    private final CheckedModel model;
    private final String className;
    private final TypeSpec.Builder type;
    private final Map<EntryPoint, KernelPlan> plans = new LinkedHashMap<>();
    /**
     * For typed classes, per output that needs fewer inputs than {@code forward} takes, the plan
     * of that output alone (by output name), so that it can be computed from those inputs.
     */
    private final Map<String, KernelPlan> outputPlans = new LinkedHashMap<>();
    /** By plan name, the plan a device runs, scheduled without {@code Kernel.Reductions} (see {@code Scheduler.schedule}). */
    private final Map<String, KernelPlan> devicePlans = new LinkedHashMap<>();
    private final List<FieldSpec> runners = new ArrayList<>();
    /** Whether the class carries each plan's CUDA C too, to run on a device (typed classes do; {@code --backend java} does not). */
    private final boolean deviceCode;

    private JavaSourceGenerator(CheckedModel model, DType floating, String className, boolean deviceCode, boolean initializers) {
        this.model = model;
        this.className = className;
        this.deviceCode = deviceCode;
        this.type = TypeSpec.classBuilder(className).addModifiers(Modifier.PUBLIC, Modifier.FINAL).superclass(GENERATED);
        Graph g = Retype.floating(model.graph(), floating);
        ModelSignature sig = model.signature();
        for (EntryPoint e : EntryPoint.values()) {
            boolean present = switch (e) {
                case FORWARD -> !sig.outputs().isEmpty();
                case LOSS, GRADIENTS -> sig.loss().isPresent();
                case UPDATE -> !sig.updated().isEmpty();
                case INIT -> initializers;
            };
            if (present) plans.put(e, schedule(model.name() + "." + e.methodName(), e.graph(g)));
        }
        if (deviceCode && plans.containsKey(EntryPoint.FORWARD)) {
            long all = plans.get(EntryPoint.FORWARD).external().stream().filter(b -> isInput(sig, b.name())).count();
            List<ModelSignature.Entry> outs = sig.outputs();
            for (int i = 0; i < outs.size(); i++) {
                Graph.Output out = g.output(Graph.Role.OUTPUT, outs.get(i).name()).orElseThrow();
                Graph one = Pipeline.optimize(g.withOutputs(List.of(out)), false);
                if (one.inputs().size() < all) outputPlans.put(out.name(), schedule(model.name() + "." + outputMethod(i), one));
            }
        }
    }

    /** The JVM's plan, and with device code the device's too. */
    private KernelPlan schedule(String name, Graph g) {
        if (deviceCode) devicePlans.put(name, Scheduler.schedule(name, g, false));
        return Scheduler.schedule(name, g);
    }

    private static boolean isInput(ModelSignature sig, String name) {
        return sig.inputs().stream().anyMatch(i -> i.name().equals(name));
    }

    /**
     * The kernel method of the {@code index}th output alone: named by position, so that no output
     * name can make it collide with another member ({@code output0}, its plan {@code output0Plan}).
     */
    private static String outputMethod(int index) {
        return "output" + index;
    }

    /** The Java file of {@code model} as class {@code packageName.model-name}; {@code floating} overrides floating dtypes (null keeps them). */
    public static JavaFile generate(CheckedModel model, DType floating, String packageName) {
        return generate(model, floating, packageName, model.name());
    }

    public static JavaFile generate(CheckedModel model, DType floating, String packageName, String className) {
        return JavaFile.builder(packageName, kernelClass(model, floating, className, false, true).type())
                .skipJavaLangImports(true)
                .indent("    ")
                .addFileComment("Generated by modelc from $L. Do not edit: change the .model file and generate again.",
                        CommentText.of(sourceName(model)))
                .build();
    }

    /**
     * The class {@link #generate} writes, with what each entry point takes and gives, for
     * generators that wrap it; with {@code deviceCode}, it also carries each plan's CUDA C and can
     * run on a {@link DeviceSession}; without {@code initializers} it has no {@code initialParams} (the
     * training program of a model with modes: initializers run in no mode, the evaluation program has them).
     */
    static KernelClass kernelClass(CheckedModel model, DType floating, String className, boolean deviceCode, boolean initializers) {
        JavaSourceGenerator g = new JavaSourceGenerator(model, floating, className, deviceCode, initializers);
        TypeSpec type = g.build();
        Map<EntryPoint, KernelClass.Entry> entries = new LinkedHashMap<>();
        g.plans.forEach((e, plan) -> entries.put(e, entryOf(plan)));
        Map<String, KernelClass.OutputEntry> outputs = new LinkedHashMap<>();
        List<String> names = model.signature().outputs().stream().map(ModelSignature.Entry::name).toList();
        g.outputPlans.forEach((name, plan) -> outputs.put(name, new KernelClass.OutputEntry(outputMethod(names.indexOf(name)),
                entryOf(plan))));
        return new KernelClass(type, entries, outputs);
    }

    private static KernelClass.Entry entryOf(KernelPlan plan) {
        return new KernelClass.Entry(plan.external().stream().map(Buffer::name).toList(),
                plan.results().stream().map(r -> r.output().role() == Graph.Role.LOSS ? "loss" : r.output().name()).toList());
    }

    /** The name of the model's file without its folders, as the user wrote it: quote it through {@link CommentText}. */
    static String sourceName(CheckedModel model) {
        Span s = anySpan(model);
        return s == null ? "a .model file" : fileName(s);
    }

    private static Span anySpan(CheckedModel model) {
        Span s = model.signature().inputs().isEmpty() ? null : model.signature().inputs().getFirst().span();
        if (s == null && !model.graph().nodes().isEmpty()) s = model.graph().nodes().getFirst().span();
        return s;
    }

    /**
     * The source's file name without its folders (generated code must not depend on where it was
     * generated), as the user wrote it: quote it through {@link CommentText}.
     */
    private static String fileName(Span s) {
        String name = s.source().name();
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(slash + 1);
    }

    private TypeSpec build() {
        ModelSignature sig = model.signature();
        type.addJavadoc("Model {@code $L} ($L), compiled by modelc.\n\n", model.name(), CommentText.javadoc(sourceName(model)));
        // Names are identifiers by the grammar; they go through CommentText all the same, as all quoted text does.
        type.addJavadoc("<p>Inputs: $L. Params: $L.", CommentText.javadoc(sig.inputs().stream().map(e -> e.name() + " " + e.type())
                .collect(Collectors.joining(", "))), CommentText.javadoc(sig.params().stream().map(p -> p.path() + " " + p.type())
                .collect(Collectors.joining(", "))));
        if (!sig.outputs().isEmpty()) {
            type.addJavadoc(" Outputs: $L.", CommentText.javadoc(sig.outputs().stream().map(ModelSignature.Entry::name)
                    .collect(Collectors.joining(", "))));
        }
        type.addJavadoc("\n");
        // Each entry point's runner: the JVM's (a constant, shared) or a device's, handed to the one private constructor.
        List<CodeBlock> entries = new ArrayList<>(), jvm = new ArrayList<>(), device = new ArrayList<>();
        MethodSpec.Builder main = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE);
        for (EntryPoint e : EntryPoint.values()) {
            KernelPlan plan = plans.get(e);
            if (plan == null) {
                entries.add(CodeBlock.of("null"));
                continue;
            }
            String field = e.methodName();
            entries.add(CodeBlock.of("$L", field));
            jvm.add(CodeBlock.of("$L", runnerField(e.methodName())));
            device.add(CodeBlock.of("$LOn(device)", e.methodName()));
            main.addParameter(PlanRunner.class, field);
            type.addField(FieldSpec.builder(PlanRunner.class, field, Modifier.PRIVATE, Modifier.FINAL).build());
            entry(e.methodName(), CodeBlock.of("$L: $L.\n", e.methodName(), switch (e) {
                case FORWARD -> "the outputs for a batch of inputs";
                case LOSS -> "the loss of a batch";
                case GRADIENTS -> "the loss of a batch and its gradient for every param";
                case UPDATE -> "the loss of a batch and every param after one step of the update rules";
                case INIT -> "every param's initial value, drawn with the seed (keyed by param path)";
            }), plan);
        }
        // The single-output entries are not the runtime's entry points: the typed class alone calls them.
        List<String> outputNames = sig.outputs().stream().map(ModelSignature.Entry::name).toList();
        outputPlans.forEach((name, plan) -> {
            String field = outputMethod(outputNames.indexOf(name));
            jvm.add(CodeBlock.of("$L", runnerField(field)));
            device.add(CodeBlock.of("$LOn(device)", field));
            main.addParameter(PlanRunner.class, field);
            type.addField(FieldSpec.builder(PlanRunner.class, field, Modifier.PRIVATE, Modifier.FINAL).build());
            entry(field, CodeBlock.of("$L: output {@code $L} alone, from only the inputs it depends on.\n", field,
                    CommentText.javadoc(name)), plan);
        });
        main.addStatement("super($L,\n$L)", info(), CodeBlock.join(entries, ", "));
        for (EntryPoint e : plans.keySet()) main.addStatement("this.$L = $L", e.methodName(), e.methodName());
        for (String name : outputPlans.keySet()) {
            String field = outputMethod(outputNames.indexOf(name));
            main.addStatement("this.$L = $L", field, field);
        }
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("The model's plans on the JVM.\n")
                .addStatement("this($L)", CodeBlock.join(jvm, ", ")).build());
        if (deviceCode) {
            type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                    .addJavadoc("The model's plans on a device: each plan with its CUDA C, compiled and loaded by the device's runtime\n"
                            + "({@code modelc-cuda} on the class path).\n")
                    .addParameter(DeviceSession.class, "device")
                    .addStatement("this($L)", CodeBlock.join(device, ", ")).build());
            type.addField(FieldSpec.builder(String.class, CUDA_PRELUDE, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The scalar functions each entry point's CUDA C starts with.\n")
                    .initializer("$L", textParts(CudaProgram.prelude())).build());
        }
        type.addMethod(main.build());
        runners.forEach(type::addField);
        return type.build();
    }

    private CodeBlock info() {
        ModelSignature sig = model.signature();
        List<CodeBlock> inputs = sig.inputs().stream().map(e -> spec(e.name(), e.type())).toList();
        List<CodeBlock> params = sig.held().stream().map(p -> spec(p.path(), p.type())).toList();
        CodeBlock info = CodeBlock.of("new $T.Info($S,\n$L,\n$L,\n$L, $L, $L,\n$L", GENERATED, model.name(), list(inputs), list(params),
                strings(sig.outputs().stream().map(ModelSignature.Entry::name).toList()), sig.loss().isPresent(),
                !sig.updated().isEmpty(), trainConfig(sig.train().orElse(TrainConfig.DEFAULT)));
        // The states, only where there are any, so that the classes of models without them read as before.
        if (sig.states().isEmpty()) return CodeBlock.of("$L)", info);
        return CodeBlock.of("$L,\n$L)", info, list(sig.states().stream().map(p -> spec(p.path(), p.type())).toList()));
    }

    private static CodeBlock spec(String name, TensorType t) {
        return CodeBlock.of("new $T($S, $T.$L, $T.of($L))", TensorSpec.class, name, DTYPE, t.dtype().name(), LIST,
                t.shape().dims().stream().map(d -> size(d.toSize())).collect(CodeBlock.joining(", ")));
    }

    /** A declared size as generated code builds it: {@code Size.fixed(3)}, {@code Size.symbol("N")}, {@code Size.parse("2*N")}. */
    private static CodeBlock size(Size s) {
        return switch (s) {
            case Size.Fixed f -> CodeBlock.of("$T.fixed($L)", Size.class, f.value() > Integer.MAX_VALUE ? f.value() + "L" : f.value());
            case Size.Symbol y -> CodeBlock.of("$T.symbol($S)", Size.class, y.name());
            case Size.Polynomial p -> CodeBlock.of("$T.parse($S)", Size.class, p.toString());
        };
    }

    private static CodeBlock trainConfig(TrainConfig c) {
        CodeBlock batch = c.batch().isPresent() ? CodeBlock.of("$T.of($LL)", java.util.OptionalLong.class, c.batch().getAsLong())
                : CodeBlock.of("$T.empty()", java.util.OptionalLong.class);
        CodeBlock opt = c.optimizer().map(o -> switch (o) {
            case TrainConfig.Optimizer.Sgd s -> CodeBlock.of("$T.of(new $T.Optimizer.Sgd($L, $L, $L))", java.util.Optional.class,
                    TrainConfig.class, s.lr(), s.momentum(), s.weightDecay());
            case TrainConfig.Optimizer.Adam a -> CodeBlock.of("$T.of(new $T.Optimizer.Adam($L, $L, $L, $L, $L))", java.util.Optional.class,
                    TrainConfig.class, a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay());
            case TrainConfig.Optimizer.AdamW a -> CodeBlock.of("$T.of(new $T.Optimizer.AdamW($L, $L, $L, $L, $L))", java.util.Optional.class,
                    TrainConfig.class, a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay());
        }).orElse(CodeBlock.of("$T.empty()", java.util.Optional.class));
        if (c.schedule().isEmpty() && c.clipGradNorm().isEmpty()) {
            return CodeBlock.of("new $T($L, $LL, $L, $LL, $L)", TrainConfig.class, batch, c.epochs(), c.shuffle(), c.seed(), opt);
        }
        CodeBlock schedule = c.schedule().map(s -> CodeBlock.of("$T.of($L)", java.util.Optional.class, switch (s) {
            case TrainConfig.Schedule.StepLr l -> CodeBlock.of("new $T.Schedule.StepLr($LL, $L)", TrainConfig.class, l.stepSize(), l.gamma());
            case TrainConfig.Schedule.Exponential e -> CodeBlock.of("new $T.Schedule.Exponential($L)", TrainConfig.class, e.gamma());
            case TrainConfig.Schedule.Cosine k -> CodeBlock.of("new $T.Schedule.Cosine($LL, $L)", TrainConfig.class, k.tMax(), k.etaMin());
            case TrainConfig.Schedule.LinearWarmup w -> CodeBlock.of("new $T.Schedule.LinearWarmup($LL, $L)", TrainConfig.class,
                    w.epochs(), w.startFactor());
        })).orElse(CodeBlock.of("$T.empty()", java.util.Optional.class));
        CodeBlock clip = c.clipGradNorm().isPresent()
                ? CodeBlock.of("$T.of($L)", java.util.OptionalDouble.class, c.clipGradNorm().getAsDouble())
                : CodeBlock.of("$T.empty()", java.util.OptionalDouble.class);
        return CodeBlock.of("new $T($L, $LL, $L, $LL, $L, $L, $L)", TrainConfig.class, batch, c.epochs(), c.shuffle(), c.seed(), opt,
                schedule, clip);
    }

    private static CodeBlock strings(List<String> items) {
        return CodeBlock.of("$T.of($L)", LIST, items.stream().map(s -> CodeBlock.of("$S", s)).collect(CodeBlock.joining(", ")));
    }

    private static CodeBlock list(List<CodeBlock> items) {
        return CodeBlock.of("$T.of($L)", LIST, CodeBlock.join(items, ",\n"));
    }

    /**
     * The entry point's method, the method that builds its runner (its plan, read from text, and
     * a {@link RangeKernel} per loop calling the loop's method), and its loops' methods. The
     * runner binds the sizes, checks shapes and index limits, allocates the slots and runs the
     * steps, as it does for the bytecode backend.
     */
    private void entry(String method, CodeBlock doc, KernelPlan plan) {
        // The Java source's loops fold a full reduction on one thread: no split steps.
        Plan lowered = PlanLowering.lower(plan, false);
        String runner = runnerField(method);
        MethodSpec.Builder m = MethodSpec.methodBuilder(method)
                .returns(ArrayTypeName.of(TENSOR))
                .addParameter(ArrayTypeName.of(TENSOR), "args")
                .addParameter(TypeName.LONG, "seed");
        m.addJavadoc(doc);
        m.addStatement("return $L.run(args, seed)", method);
        type.addMethod(m.build());

        Map<String, String> symbolNames = new LinkedHashMap<>();
        JavaNames names = new JavaNames("args", "seed", "start", "end", "plan", "b", "d", "s", "e");
        for (String sym : plan.symbols()) symbolNames.put(sym, names.fresh(sym));
        List<CodeBlock> loops = new ArrayList<>();
        List<MethodSpec> loopMethods = new ArrayList<>();
        for (Kernel k : plan.kernels()) {
            if (!(k instanceof Kernel.Loop || k instanceof Kernel.Reductions)) continue;
            String loopMethod = method + Character.toUpperCase(k.name().charAt(0)) + k.name().substring(1);
            Kernel.Loop l = k instanceof Kernel.Reductions r ? r.rowLoop() : (Kernel.Loop) k;
            Map<String, String> used = usedSymbols(k instanceof Kernel.Reductions r ? dev.modelc.compiler.backend.bytecode.KernelOrder.dims(r)
                    : dev.modelc.compiler.backend.bytecode.KernelOrder.dims(l), symbolNames);
            loopMethods.add(k instanceof Kernel.Reductions r ? reductionsMethod(loopMethod, r, plan, used)
                    : kernelMethod(loopMethod, l, plan, used));
            List<String> args = new ArrayList<>();
            List<Integer> order = k instanceof Kernel.Reductions r ? dev.modelc.compiler.backend.bytecode.KernelOrder.of(r)
                    : dev.modelc.compiler.backend.bytecode.KernelOrder.of(l);
            for (int i = 0; i < order.size(); i++) args.add("(" + javaArray(plan.buffer(order.get(i)).dtype()) + ") b[" + i + "]");
            // A split step's partial results come after its buffers (JvmTarget).
            if (k instanceof Kernel.Reductions) args.add("(double[]) b[" + order.size() + "]");
            for (String sym : used.keySet()) args.add("(int) d[" + plan.symbols().indexOf(sym) + "]");
            loops.add(CodeBlock.of("(b, d, s, e) -> $L($L, s, e)", loopMethod, String.join(", ", args)));
        }
        String build = method + "Plan";
        MethodSpec.Builder b = MethodSpec.methodBuilder(build).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(PlanRunner.class)
                .addJavadoc("The plan of {@link #$L}, and its loops.\n", method);
        b.addStatement("$T plan = $T.read($L)", Plan.class, PlanText.class, textParts(PlanText.write(lowered)));
        b.addStatement("return new $T(plan, $T.of($T.of($L)))", PlanRunner.class, JvmTarget.class, LIST,
                loops.isEmpty() ? CodeBlock.of("") : CodeBlock.of("\n$L", CodeBlock.join(loops, ",\n")));
        type.addMethod(b.build());
        loopMethods.forEach(type::addMethod);
        runners.add(FieldSpec.builder(PlanRunner.class, runner, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L()", build).build());
        if (deviceCode) onDevice(method, plan, lowered, runner);
    }

    /** The name of the CUDA C prelude's constant. */
    private static final String CUDA_PRELUDE = "CUDA_PRELUDE";

    /**
     * The method that runs an entry point on a device: its plan as the CUDA backend lowers it (the
     * JVM runner's when they are the same) and its CUDA C, the prelude by reference, with the
     * kernel that runs each step.
     */
    private void onDevice(String method, KernelPlan jvm, Plan jvmPlan, String jvmRunner) {
        KernelPlan plan = devicePlans.get(jvm.name());
        Plan lowered = PlanLowering.lower(plan);
        DeviceCode code = CudaProgram.of(plan).deviceCode();
        Span any = anySpan(model);
        if (any != null) {
            // The kernels' comments name the .model file as it was given; in a class they give the line alone, so that
            // the class does not depend on where it was generated, and its bytes not on the file's name.
            String given = "  (" + CommentText.of(any.source().name()) + ":";
            code = new DeviceCode(code.name(), code.source().replace(given, "  (line "), code.kernels());
        }
        CodeBlock planCode = PlanText.write(lowered).equals(PlanText.write(jvmPlan)) ? CodeBlock.of("$L.plan()", jvmRunner)
                : CodeBlock.of("$T.read($L)", PlanText.class, textParts(PlanText.write(lowered)));
        String prelude = CudaProgram.prelude();
        int at = code.source().indexOf(prelude);
        List<CodeBlock> pieces = new ArrayList<>();
        if (at < 0) {
            pieces.add(textParts(code.source()));
        } else {
            if (at > 0) pieces.add(textParts(code.source().substring(0, at)));
            pieces.add(CodeBlock.of("$L", CUDA_PRELUDE));
            if (at + prelude.length() < code.source().length()) pieces.add(textParts(code.source().substring(at + prelude.length())));
        }
        CodeBlock source = CodeBlock.join(pieces, ",\n");
        List<CodeBlock> kernels = code.kernels().stream().map(k -> switch (k) {
            case DeviceKernel.Elementwise x -> CodeBlock.of("new $T.Elementwise($S)", DeviceKernel.class, x.function());
            case DeviceKernel.Reduction x -> CodeBlock.of("new $T.Reduction($S)", DeviceKernel.class, x.function());
            case DeviceKernel.MatMul x -> CodeBlock.of("new $T.MatMul($S, $S)", DeviceKernel.class, x.function(), x.splitFunction());
            case DeviceKernel.Library x -> CodeBlock.of("new $T.Library($S, $L)", DeviceKernel.class, x.function(), x.axis());
            case DeviceKernel.PerOutput x -> CodeBlock.of("new $T.PerOutput($S)", DeviceKernel.class, x.function());
            case DeviceKernel.Checked x -> CodeBlock.of("new $T.Checked($S)", DeviceKernel.class, x.function());
            case DeviceKernel.Host x -> CodeBlock.of("new $T.Host()", DeviceKernel.class);
        }).toList();
        type.addMethod(MethodSpec.methodBuilder(method + "On").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(PlanRunner.class)
                .addParameter(DeviceSession.class, "device")
                .addJavadoc("The plan of {@link #$L} on a device, with its CUDA C and the kernel of each step.\n", method)
                .addStatement("return device.runner($L, new $T($S, $T.join(\"\",\n$L),\n$T.of($L)))", planCode, DeviceCode.class,
                        code.name(), String.class, source, LIST, CodeBlock.join(kernels, ",\n"))
                .build());
    }

    /** {@code LOSS_AND_GRADIENTS}: a constant's name, unlike a loop method's ({@code lossAndGradientsK0}) and the builder's ({@code lossAndGradientsPlan}). */
    private static String runnerField(String method) {
        return method.replaceAll("([A-Z])", "_$1").toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * A plan's text as string literals of at most {@link #TEXT_PART} characters, split at lines:
     * javac folds a literal's lines into one constant, and a class file holds no constant past
     * 65,535 bytes.
     */
    private static CodeBlock textParts(String text) {
        List<CodeBlock> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (String line : text.split("(?<=\n)")) {
            if (part.length() + line.length() > TEXT_PART && !part.isEmpty()) {
                parts.add(CodeBlock.of("$S", part.toString()));
                part.setLength(0);
            }
            part.append(line);
        }
        if (!part.isEmpty()) parts.add(CodeBlock.of("$S", part.toString()));
        return CodeBlock.join(parts, ",\n");
    }

    /** At most 3 bytes a character in a class file's constants: 20,000 characters stay under 65,535 bytes. */
    static final int TEXT_PART = 20_000;

    private static MethodSpec kernelMethod(String name, Kernel.Loop l, KernelPlan plan, Map<String, String> symbolNames) {
        MethodSpec.Builder k = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC);
        Span span = l.span();
        if (span != null) {
            k.addJavadoc("$L:$L: <code>$L</code>\n", CommentText.javadoc(fileName(span)), span.line(), CommentText.javadoc(sourceLine(span)));
        }
        Map<Integer, String> params = new LinkedHashMap<>();
        JavaNames names = new JavaNames("start", "end", "acc", "i", "j");
        for (String s : symbolNames.values()) names.fresh(s);
        for (int b : dev.modelc.compiler.backend.bytecode.KernelOrder.of(l)) {
            Buffer buf = plan.buffer(b);
            String p = names.fresh(buf.name());
            params.put(b, p);
            k.addParameter(TypeName.get(arrayClass(buf.dtype())), p);
        }
        for (String s : symbolNames.values()) k.addParameter(TypeName.INT, s);
        k.addParameter(TypeName.INT, "start").addParameter(TypeName.INT, "end");
        k.addCode(LoopSource.render(l, plan, params, symbolNames));
        return k.build();
    }

    /** A {@link Kernel.Reductions}' method: as a loop's, with the partials array after the buffers. */
    private static MethodSpec reductionsMethod(String name, Kernel.Reductions r, KernelPlan plan, Map<String, String> symbolNames) {
        MethodSpec.Builder k = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC);
        Span span = r.span();
        if (span != null) {
            k.addJavadoc("$L:$L: <code>$L</code>\n", CommentText.javadoc(fileName(span)), span.line(), CommentText.javadoc(sourceLine(span)));
        }
        Map<Integer, String> params = new LinkedHashMap<>();
        JavaNames names = new JavaNames("start", "end", "c", "lo", "hi", "j0");
        for (int a = 0; a < r.accumulators().size(); a++) names.fresh("acc" + a);
        for (String s : symbolNames.values()) names.fresh(s);
        for (int b : dev.modelc.compiler.backend.bytecode.KernelOrder.of(r)) {
            Buffer buf = plan.buffer(b);
            String p = names.fresh(buf.name());
            params.put(b, p);
            k.addParameter(TypeName.get(arrayClass(buf.dtype())), p);
        }
        String partials = names.fresh("partials");
        k.addParameter(TypeName.get(double[].class), partials);
        for (String s : symbolNames.values()) k.addParameter(TypeName.INT, s);
        k.addParameter(TypeName.INT, "start").addParameter(TypeName.INT, "end");
        k.addCode(LoopSource.render(r, plan, params, symbolNames, partials));
        return k.build();
    }

    /** The symbols a kernel's sizes ({@code KernelOrder.dims}) mention, in the plan's order. */
    private static Map<String, String> usedSymbols(List<Dim> dims, Map<String, String> all) {
        LinkedHashSet<String> used = new LinkedHashSet<>();
        for (Dim d : dims) used.addAll(d.symbols());
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (used.contains(k)) out.put(k, v);
        });
        return out;
    }

    /** The {@code .model} line {@code s} starts on, without its indentation, as written: quote it through {@link CommentText}. */
    private static String sourceLine(Span s) {
        int[] cps = s.source().lineCodePoints(s.line());
        return new String(cps, 0, cps.length).strip();
    }

    private static String javaArray(DType t) {
        return arrayClass(t).getSimpleName();
    }

    private static Class<?> arrayClass(DType t) {
        return switch (t) {
            case F32 -> float[].class;
            case F64 -> double[].class;
            case I32 -> int[].class;
            case BOOL -> boolean[].class;
        };
    }
}
