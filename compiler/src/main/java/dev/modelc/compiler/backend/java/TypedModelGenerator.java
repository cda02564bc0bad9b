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
import dev.modelc.runtime.device.DeviceUnavailableException;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.NamedTensors;
import dev.modelc.runtime.exec.Shapes;
import dev.modelc.runtime.model.CompiledModel;
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
 */
public final class TypedModelGenerator {
    private static final ClassName TENSOR = ClassName.get(Tensor.class);
    private static final ClassName SHAPES = ClassName.get(Shapes.class);
    private static final TypeName TENSOR_MAP = ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class), TENSOR);

    private final CheckedModel model;
    private final ModelSignature sig;
    private final DType floating;
    private final KernelClass kernels;
    private final ModelComments comments;
    private final ClassName self, kernelsType, paramsType, outputsType, lossAndGradientsType;
    private final Map<String, String> inputNames = new LinkedHashMap<>(), paramNames = new LinkedHashMap<>(),
            outputNames = new LinkedHashMap<>(), outputMethods = new LinkedHashMap<>();
    /** The class's own methods, which an output's method must not take (nor Object's). */
    private static final List<String> METHODS = List.of("forward", "loss", "lossAndGradients", "step", "params", "setParams",
            "parameters", "save", "load", "compiled", "kernelsOn");

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
        this.paramsType = self.nestedClass(nested("Params"));
        this.outputsType = self.nestedClass(nested("Outputs"));
        this.lossAndGradientsType = self.nestedClass(nested("LossAndGradients"));
        this.kernels = JavaSourceGenerator.kernelClass(model, floating, kernelsType.simpleName(), true);
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
        MemberNames outputs = new MemberNames(MemberNames.RECORD_RESERVED);
        for (ModelSignature.Entry e : sig.outputs()) outputNames.put(e.name(), outputs.fresh(e.name()));
        List<String> methodReserved = new ArrayList<>(MemberNames.RECORD_RESERVED);
        methodReserved.add("equals");
        methodReserved.addAll(METHODS);
        MemberNames methods = new MemberNames(methodReserved);
        for (String o : kernels.outputs().keySet()) outputMethods.put(o, methods.fresh(o));
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
        t.addField(FieldSpec.builder(kernelsType, "kernels", Modifier.PRIVATE, Modifier.FINAL).build());
        t.addField(FieldSpec.builder(paramsType, "params", Modifier.PRIVATE).build());
        constructors(t);
        entry(EntryPoint.FORWARD).ifPresent(e -> t.addMethod(forward(e)));
        kernels.outputs().forEach((name, e) -> t.addMethod(output(name, e)));
        entry(EntryPoint.LOSS).ifPresent(e -> t.addMethod(loss(e)));
        entry(EntryPoint.GRADIENTS).ifPresent(e -> t.addMethod(lossAndGradients(e)));
        entry(EntryPoint.UPDATE).ifPresent(e -> t.addMethod(updateStep(e)));
        entry(EntryPoint.GRADIENTS).ifPresent(e -> t.addMethod(optimizerStep(e)));
        paramAccess(t);
        t.addType(paramsRecord());
        if (entry(EntryPoint.FORWARD).isPresent()) t.addType(outputsRecord());
        if (entry(EntryPoint.GRADIENTS).isPresent()) t.addType(lossAndGradientsRecord());
        t.addType(kernels.type().toBuilder().addModifiers(Modifier.STATIC).build());
        return t.build();
    }

    private java.util.Optional<KernelClass.Entry> entry(EntryPoint e) {
        return java.util.Optional.ofNullable(kernels.entries().get(e));
    }

    private void classJavadoc(TypeSpec.Builder t) {
        String doc = comments == null ? "" : comments.model(model.name());
        if (!doc.isEmpty()) t.addJavadoc("$L\n\n<p>", html(doc));
        t.addJavadoc("Model {@code $L} of <code>$L</code>, generated by modelc$L. An instance holds the model's params, as a PyTorch\n"
                        + "{@code nn.Module} does, and runs the model's generated kernels ({@link $T}) on them. Every tensor's shape is\n"
                        + "checked where it comes in; a symbolic size such as {@code N} is bound by the first tensor that has it.\n\n",
                model.name(), CommentText.javadoc(JavaSourceGenerator.sourceName(model)),
                floating == null ? "" : " with every floating value as " + floating.spelling(), kernelsType);
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

    private MethodSpec forward(KernelClass.Entry e) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC).returns(outputsType)
                .addJavadoc("The outputs for a batch of inputs, with the current params.\n\n");
        inputs(m, e);
        m.addJavadoc("@return $L\n", sig.outputs().stream().map(o -> o.name() + " " + code(type(o.type())))
                .collect(Collectors.joining(", ")));
        m.addStatement("$T[] results = kernels.forward($L, $L)", TENSOR, arguments(e), drawKey());
        m.addStatement("return new $T($L)", outputsType, sig.outputs().stream()
                .map(o -> CodeBlock.of("results[$L]", result(e, o.name()))).collect(CodeBlock.joining(", ")));
        return m.build();
    }

    /**
     * One output from only the inputs it depends on ({@code logits(x)} where {@code forward} takes
     * labels too for an {@code accuracy} output), by a plan of that output alone.
     */
    private MethodSpec output(String name, KernelClass.OutputEntry o) {
        KernelClass.Entry e = o.entry();
        ModelSignature.Entry out = sig.outputs().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        MethodSpec.Builder m = MethodSpec.methodBuilder(outputMethods.get(name)).addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("Output {@code $L} alone for a batch, with the current params: it needs only these inputs, where\n"
                        + "{@link #forward} takes every input some output needs.\n\n", name);
        inputs(m, e);
        String doc = comment(out.span());
        m.addJavadoc("@return $L$L\n", code(type(out.type())), doc.isEmpty() ? "" : ": " + html(doc));
        m.addStatement("return kernels.$L($L, $L)[$L]", o.method(), arguments(e), drawKey(), result(e, name));
        return m.build();
    }

    private MethodSpec loss(KernelClass.Entry e) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("loss").addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("The loss of a batch, with the current params.\n\n");
        inputs(m, e);
        m.addJavadoc("@return the loss, $L\n", code(type(sig.loss().orElseThrow().type())));
        m.addStatement("return kernels.loss($L, $L)[$L]", arguments(e), drawKey(), result(e, "loss"));
        return m.build();
    }

    private MethodSpec lossAndGradients(KernelClass.Entry e) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("lossAndGradients").addModifiers(Modifier.PUBLIC).returns(lossAndGradientsType)
                .addJavadoc("The loss of a batch and its gradient with respect to every param, with the current params.\n\n");
        inputs(m, e);
        m.addJavadoc("@return the loss and the gradients, by param\n");
        m.addStatement("$T[] results = kernels.lossAndGradients($L, $L)", TENSOR, arguments(e), drawKey());
        m.addStatement("return new $T(results[$L], $L)", lossAndGradientsType, result(e, "loss"),
                newParams(path -> CodeBlock.of("results[$L]", result(e, path))));
        return m.build();
    }

    private MethodSpec updateStep(KernelClass.Entry e) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("step").addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("One step of the model's update rules ({@code update $L}) on a batch: the params after it\n"
                        + "replace the current ones$L.\n\n", String.join(", ", sig.updated()),
                        sig.updated().size() < sig.params().size() ? " (params without a rule keep their values)" : "");
        inputs(m, e);
        m.addJavadoc("@return the batch's loss before the step\n");
        m.addStatement("$T[] results = kernels.updateStep($L, $L)", TENSOR, arguments(e), drawKey());
        m.addStatement("this.params = $L", newParams(path -> e.results().contains(path)
                ? CodeBlock.of("results[$L]", result(e, path)) : CodeBlock.of("params.$L()", paramNames.get(path))));
        m.addStatement("return results[$L]", result(e, "loss"));
        return m.build();
    }

    private MethodSpec optimizerStep(KernelClass.Entry e) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("step").addModifiers(Modifier.PUBLIC).returns(TENSOR)
                .addJavadoc("One step of {@code optimizer} on the loss's gradients for a batch, as {@code loss.backward();\n"
                        + "optimizer.step()} in PyTorch: the params after it replace the current ones. The optimizer keeps its\n"
                        + "own state (momentum, Adam's moments) by param path.\n\n")
                .addParameter(Optimizer.class, "optimizer")
                .addJavadoc("@param optimizer the optimizer, such as {@code new Sgd(1e-5)}\n");
        inputs(m, e);
        m.addJavadoc("@return the batch's loss before the step\n");
        m.addStatement("$T.requireNonNull(optimizer, $S)", Objects.class, "optimizer == null");
        List<CodeBlock> passed = new ArrayList<>(typedInputs(e).stream().map(i -> CodeBlock.of("$L", inputNames.get(i.name()))).toList());
        if (draws) passed.add(CodeBlock.of("key"));
        m.addStatement("$T grads = lossAndGradients($L)", lossAndGradientsType, CodeBlock.join(passed, ", "));
        m.addStatement("this.params = $T.of(optimizer.step(params.byPath(), grads.gradients().byPath()))", paramsType);
        m.addStatement("return grads.loss()");
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
                        + "{@code named_parameters()} order, and the names {@link #save} writes.\n")
                .addStatement("return params.byPath()").build());
        t.addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC).addException(IOException.class)
                .addJavadoc("Writes the params to an {@code .npz} file (NumPy's {@code np.savez}), one array per path, replacing it\n"
                        + "atomically.\n")
                .addParameter(Path.class, "file").addStatement("$T.write(file, params.byPath())", Npz.class).build());
        t.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC).addException(IOException.class)
                .addJavadoc("Replaces the params with those of an {@code .npz} file, which must hold exactly this model's param\n"
                        + "paths, each with its declared shape.\n")
                .addParameter(Path.class, "file").addStatement("this.params = $T.load(file)", paramsType).build());
        t.addMethod(MethodSpec.methodBuilder("compiled").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(CompiledModel.class)
                .addJavadoc("The model as the runtime's stateless {@link $T}, params passed in and out by path: for\n"
                        + "{@code Trainer.fit} and other code written against any compiled model.\n", CompiledModel.class)
                .addStatement("return KERNELS").build());
    }

    private TypeSpec paramsRecord() {
        MethodSpec.Builder components = MethodSpec.constructorBuilder();
        MethodSpec.Builder ctor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC);
        TypeSpec.Builder r = TypeSpec.recordBuilder(paramsType.simpleName()).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The params of {@code $L}, one tensor per param path (also the form of their gradients). Each is\n"
                        + "converted to its declared dtype and checked against its declared shape.\n\n", model.name());
        for (ModelSignature.ParamEntry p : sig.params()) {
            String name = paramNames.get(p.path());
            TensorType type = type(p.type());
            components.addParameter(TENSOR, name);
            String doc = comment(p.span());
            r.addJavadoc("@param $L param {@code $L}, $L, initially <code>$L</code>$L\n", name, p.path(), code(type), html(p.init()),
                    doc.isEmpty() ? "" : ": " + html(doc));
            if (type.shape().isConcrete()) {
                ctor.addStatement("$T.check($S, $S, $L$L)", SHAPES, "param", p.path(), name, type.shape().dims().stream()
                        .map(d -> ", " + d.constant()).collect(Collectors.joining()));
            } else {
                ctor.addStatement("$T.requireNonNull($L, $S)", Objects.class, name, "no value for param '" + p.path() + "'");
            }
            ctor.addStatement("$L = $L.to($T.$L)", name, name, DType.class, type.dtype().name());
        }
        r.recordConstructor(components.build()).addMethod(ctor.build());
        CodeBlock.Builder put = CodeBlock.builder()
                .addStatement("$T<$T, $T> byPath = new $T<>()", LinkedHashMap.class, String.class, TENSOR, LinkedHashMap.class);
        for (ModelSignature.ParamEntry p : sig.params()) put.addStatement("byPath.put($S, $L)", p.path(), paramNames.get(p.path()));
        r.addMethod(MethodSpec.methodBuilder("byPath").addModifiers(Modifier.PUBLIC).returns(TENSOR_MAP)
                .addJavadoc("The params by path, in declaration order (unmodifiable).\n")
                .addCode(put.build()).addStatement("return $T.unmodifiableMap(byPath)", Collections.class).build());
        String paths = sig.params().stream().map(p -> CodeBlock.of("$S", p.path()).toString()).collect(Collectors.joining(", "));
        r.addMethod(MethodSpec.methodBuilder("of").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(paramsType)
                .addJavadoc("The params from tensors by path, which must be exactly this model's param paths.\n")
                .addParameter(TENSOR_MAP, "byPath")
                .addStatement("return of($S, byPath)", "the params given").build());
        r.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(paramsType)
                .addException(IOException.class)
                .addJavadoc("The params in an {@code .npz} file, which must hold exactly this model's param paths.\n")
                .addParameter(Path.class, "file")
                .addStatement("return of(file.toString(), $T.read(file))", Npz.class).build());
        r.addMethod(MethodSpec.methodBuilder("of").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(paramsType)
                .addParameter(String.class, "where").addParameter(TENSOR_MAP, "byPath")
                .addStatement("$T[] t = $T.take(where, byPath$L)", TENSOR, NamedTensors.class, paths.isEmpty() ? "" : ", " + paths)
                .addStatement("return $L", newParams(path -> CodeBlock.of("t[$L]", index(path)))).build());
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

    /** The entry's inputs as the method's parameters, in declaration order, each documented with its type and comment. */
    private void inputs(MethodSpec.Builder m, KernelClass.Entry e) {
        for (ModelSignature.Entry i : typedInputs(e)) {
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

    /** The inputs an entry point reads (forward, say, only those its outputs depend on), in declaration order. */
    private List<ModelSignature.Entry> typedInputs(KernelClass.Entry e) {
        return sig.inputs().stream().filter(i -> e.arguments().contains(i.name())).toList();
    }

    /** {@code new Tensor[] {x, params.w(), ...}}: the kernel method's arguments, in the plan's order. */
    private CodeBlock arguments(KernelClass.Entry e) {
        CodeBlock args = e.arguments().stream().map(a -> inputNames.containsKey(a) ? CodeBlock.of("$L", inputNames.get(a))
                : CodeBlock.of("params.$L()", Objects.requireNonNull(paramNames.get(a), () -> "unknown argument " + a)))
                .collect(CodeBlock.joining(", "));
        return CodeBlock.of("new $T[] {$L}", TENSOR, args);
    }

    private static int result(KernelClass.Entry e, String name) {
        int i = e.results().indexOf(name);
        if (i < 0) throw new IllegalStateException("the kernels give no result '" + name + "' (they give " + e.results() + ")");
        return i;
    }

    private int index(String path) {
        for (int i = 0; i < sig.params().size(); i++) if (sig.params().get(i).path().equals(path)) return i;
        throw new IllegalStateException("no param " + path);
    }

    private CodeBlock newParams(java.util.function.Function<String, CodeBlock> value) {
        return CodeBlock.of("new $T($L)", paramsType, sig.params().stream().map(p -> value.apply(p.path())).collect(CodeBlock.joining(", ")));
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
