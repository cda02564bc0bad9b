package dev.modelc.api;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.GraphModel;
import dev.modelc.runtime.plan.PlanRunner;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.backend.bytecode.StepLoop;
import dev.modelc.compiler.backend.bytecode.VectorLanes;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.backend.java.TypedModelGenerator;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphDot;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.RowAggregates;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.DeadCodeElimination;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.compiler.passes.Retype;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.train.Evaluator;
import dev.modelc.runtime.train.RowAggregate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * What tools (the {@code modelc} commands, the Maven plugin's generator, modelc-testing and the
 * benchmarks) ask of a checked model besides running it: which inputs a result needs, how a
 * scalar combines over batches of rows, the graph and the kernel plans as text, the models that
 * check derivatives, a compiled model bound for repeated runs. The graph, the passes, the
 * interpreter and the scheduler stay behind these questions, so a tool never walks or rewrites
 * a graph itself.
 */
public final class Driver {
    private Driver() {
    }

    /**
     * A schedule written as a train block writes it ({@code step_lr(step_size = 10, gamma = 0.5)}),
     * checked by the block's own rules: the command line's {@code --schedule}.
     *
     * @throws IllegalArgumentException with the block's message and notes when the text is not a schedule
     */
    public static TrainConfig.Schedule schedule(String text) {
        if (text.contains("\n") || text.contains("\r")) throw new IllegalArgumentException("a schedule is one line, such as step_lr(10)");
        String source = "model M {\n  input x: f32[N]\n  loss = mean(x)\n  train { schedule = " + text + " }\n}\n";
        Compilation c = Compiler.compile(new SourceFile("schedule", source));
        for (Diagnostic d : c.diagnostics()) {
            if (d.isError()) {
                throw new IllegalArgumentException(d.message() + (d.notes().isEmpty() ? "" : " (" + String.join("; ", d.notes()) + ")"));
            }
        }
        return c.program().orElseThrow().models().getFirst().signature().train().orElseThrow().schedule().orElseThrow();
    }

    /** The inputs the outputs, the loss and its gradients depend on, in graph order ({@code modelc eval}). */
    public static List<String> inputsForEvaluation(CheckedModel m) {
        return inputsOf(m.graph().keeping(Graph.Role.OUTPUT, Graph.Role.LOSS, Graph.Role.GRADIENT));
    }

    /**
     * The inputs one training step depends on: the loss and, for a model with update rules, the
     * rules, else the loss's gradients; in graph order.
     */
    public static List<String> inputsForTraining(CheckedModel m) {
        boolean rules = !m.signature().updated().isEmpty();
        return inputsOf(m.graph().keeping(Graph.Role.LOSS, rules ? Graph.Role.UPDATE : Graph.Role.GRADIENT));
    }

    /** For every output, in declaration order, the inputs it depends on, in graph order. */
    public static Map<String, List<String>> inputsByOutput(CheckedModel m) {
        Graph g = m.graph();
        Map<String, List<String>> needs = new LinkedHashMap<>();
        for (Graph.Output o : g.outputs(Graph.Role.OUTPUT)) needs.put(o.name(), inputsOf(g.withOutputs(List.of(o))));
        return needs;
    }

    /** How the model's loss combines over batches of rows (MEAN, unused, when it has none). */
    public static RowAggregate lossAggregate(CheckedModel m) {
        return RowAggregates.ofLoss(m.graph());
    }

    /** How the output {@code name} combines over batches of rows (BATCH_MEAN unless it is a scalar proved a sum or a mean). */
    public static RowAggregate outputAggregate(CheckedModel m, String name) {
        return RowAggregates.of(m.graph(), output(m, name).node());
    }

    /**
     * The outputs {@code names} of {@code m} as a model of their own (named {@code Outputs}),
     * optimized and compiled by {@code backend}: for computing some outputs without the inputs
     * the others need.
     */
    public static CompiledModel outputsModel(CheckedModel m, List<String> names, Backend backend, DType floating, int device) {
        List<Graph.Output> chosen = names.stream().map(n -> output(m, n)).toList();
        return backend.compile(GraphModel.of("Outputs", Pipeline.optimize(m.graph().withOutputs(chosen), false)), floating, device);
    }

    /**
     * The loss of {@code m} and its scalar outputs {@code names}, evaluated over a data set in one
     * pass: a model of these results alone (named {@code Evaluation}; the loss is its output
     * {@link Evaluator#lossOutput}, named as the loss unless an output of {@code names} has that
     * name), optimized and compiled by {@code backend}, with how each combines over batches of
     * rows ({@link #lossAggregate}, {@link #outputAggregate}). What {@code modelc train} evaluates
     * after each epoch, on the training data and on {@code --val}. It is the model's own graph with
     * fewer results, so its values are those of the model's {@code loss} and {@code forward}.
     *
     * @throws IllegalArgumentException when {@code m} has no loss, or an output named is not a scalar
     * @throws NoSuchElementException when {@code m} has no output of a name
     */
    public static Evaluator evaluator(CheckedModel m, List<String> names, Backend backend, DType floating, int device) {
        // The evaluation program alone: given the graph of both modes, a backend compiles a training
        // program too (batch norm, dropout), which evaluating never runs (for --backend java, a second javac run).
        CheckedModel evaluation = m.inMode(Mode.EVALUATION);
        Graph g = evaluation.graph();
        Graph.Output loss = g.outputs(Graph.Role.LOSS).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model " + m.name() + " has no loss"));
        List<Graph.Output> results = new ArrayList<>();
        List<Evaluator.Scalar> scalars = new ArrayList<>();
        for (String name : names) {
            Graph.Output o = output(evaluation, name);
            if (!g.node(o.node()).type().isScalar()) {
                throw new IllegalArgumentException("output '" + name + "' of " + m.name() + " is not a scalar, so it has no value over rows");
            }
            results.add(o);
            // How it combines over batches as the model declares it (outputAggregate), whatever the mode.
            scalars.add(new Evaluator.Scalar(name, outputAggregate(m, name)));
        }
        // The loss as one more output, under a name none of the chosen outputs has.
        String lossName = loss.name();
        while (names.contains(lossName)) lossName += "_";
        results.add(new Graph.Output(lossName, Graph.Role.OUTPUT, loss.node()));
        CompiledModel c = backend.compile(GraphModel.of("Evaluation", Pipeline.optimize(g.withOutputs(results), false)), floating, device);
        return new Evaluator(c, lossName, lossAggregate(m), scalars);
    }

    /**
     * The graph as {@code modelc graph} prints it: the outputs and the loss, with {@code backward}
     * the gradients and update rules too; optimized, or with only dead code removed; as text or as
     * Graphviz dot.
     */
    public static String graph(CheckedModel m, boolean backward, boolean optimize, boolean dot) {
        Graph g = backward
                ? m.graph().keeping(Graph.Role.OUTPUT, Graph.Role.LOSS, Graph.Role.GRADIENT, Graph.Role.UPDATE)
                : m.graph().keeping(Graph.Role.OUTPUT, Graph.Role.LOSS);
        g = optimize ? Pipeline.optimize(g, false) : DeadCodeElimination.run(g);
        return dot ? GraphDot.render(g, m.name()) : GraphPrinter.print(g);
    }

    /**
     * The kernel plan of every entry point that has results, in {@link EntryPoint} order, printed
     * ({@code --emit kernels}) or as CUDA C ({@code --emit cuda}); {@code floating} redeclares
     * every floating value (null keeps the declared dtypes).
     */
    public static List<String> kernels(CheckedModel m, DType floating, boolean cuda) {
        List<String> out = new ArrayList<>();
        // A model with modes has two programs: the evaluation's plans, then the training step's (named M.train.*).
        for (Mode mode : m.modal() ? List.of(Mode.EVALUATION, Mode.TRAINING) : List.of(Mode.EVALUATION)) {
            String prefix = m.name() + "." + (mode == Mode.TRAINING ? mode.spelling() + "." : "");
            for (EntryPoint e : EntryPoint.values()) {
                if (mode == Mode.TRAINING && e == EntryPoint.INIT) continue; // initializers run in no mode
                Graph g = e.graph(Retype.floating(m.inMode(mode).graph(), floating));
                if (g.outputs().isEmpty()) continue;
                KernelPlan plan = Scheduler.schedule(prefix + e.methodName(), g);
                CudaProgram onDevice = CudaProgram.of(Scheduler.schedule(prefix + e.methodName(), g, false));
                out.add(cuda ? onDevice.source() : PlanPrinter.print(plan) + hostNote(onDevice.hostCalls()));
            }
        }
        return out;
    }

    /** The plan's calls that {@code --backend cuda} runs on the host, one line each, or nothing. */
    private static String hostNote(List<Kernel.Call> host) {
        StringBuilder s = new StringBuilder();
        for (Kernel.Call c : host) {
            s.append("on the host under --backend cuda: ").append(c.name()).append(' ').append(c.op().label()).append('\n');
        }
        return s.toString();
    }

    /**
     * The typed Java class of the model in package {@code packageName}, as {@code modelc compile
     * --emit java} and the Maven plugin write it: it runs on the runtime alone. A model with two
     * programs carries both and has a mode ({@code train()}, {@code eval()}); one with states holds
     * them beside its params ({@code buffers()}).
     */
    public static String javaSource(CheckedModel m, DType floating, String packageName) {
        return TypedModelGenerator.generate(m, floating, packageName).toString();
    }

    /**
     * The all-f64 models that check {@code m}'s derivatives by finite differences (modelc-testing's
     * {@code GradCheck}): the objective (the loss, or {@code output} projected on a cotangent) with
     * its gradients, and the Hessian-vector products; with {@code inputsToo}, every floating input
     * is differentiated too, as a param.
     *
     * @throws IllegalArgumentException when the model has no loss (and no output is named), no
     *     such output, or the output is not floating
     */
    public static DerivativeModels derivativeModels(CheckedModel m, Optional<String> output, boolean inputsToo) {
        // Derivatives are checked in evaluation mode, where forward, loss and gradients run.
        return DerivativeModels.of(m.inMode(Mode.EVALUATION), output, inputsToo);
    }

    /**
     * {@code m}'s {@link EntryPoint#LOSS} or {@link EntryPoint#GRADIENTS} on the reference
     * interpreter in f64, with where a point lies relative to the graph's kinks.
     */
    public static ReferenceRun referenceRun(CheckedModel m, EntryPoint e) {
        return ReferenceRun.of(m.inMode(Mode.EVALUATION), e);
    }

    /** Update steps bound to one batch, run with nothing allocated per step. */
    public interface Steps {
        /** Runs {@code steps} steps; returns the loss before the last one. */
        double run(int steps);
    }

    /** An entry point bound to its inputs and params, run repeatedly without allocating; its results stay in its buffers. */
    public interface BoundEntryPoint {
        /** Runs every kernel once. */
        void run();
    }

    /**
     * Full-batch training with the model's own update rules on one batch, with nothing allocated
     * per step (the benchmarks' step loop); {@code params} are copied, not changed.
     *
     * @throws IllegalArgumentException unless {@code m} is a model of the bytecode backend
     * @throws IllegalStateException when the model has no update rules
     */
    public static Steps stepLoop(CompiledModel m, Map<String, Tensor> params, Map<String, Tensor> batch) {
        StepLoop loop = bytecode(m).stepLoop(params, batch);
        return loop::run;
    }

    /**
     * The entry point {@code e} of {@code m} bound to {@code values} (inputs and params), with
     * buffers of its own; with {@code vectorLanes} false its loops are compiled again without
     * vector lanes (to measure what they gain), else they are the model's own.
     *
     * @throws IllegalArgumentException unless {@code m} is a model of the bytecode backend
     */
    public static BoundEntryPoint bind(CompiledModel m, EntryPoint e, Map<String, Tensor> values, boolean vectorLanes) {
        BytecodeModel b = bytecode(m);
        PlanRunner.Bound bound = vectorLanes ? b.bind(e, values) : BytecodeModel.compile(b.plan(e), false).bind(values, true);
        return () -> bound.run(0);
    }

    /**
     * Compiles and loads the kernels of {@code m}'s entry point {@code e} now, rather than on its
     * first run (what the benchmarks time as compile latency).
     *
     * @throws IllegalArgumentException unless {@code m} is a model of the bytecode backend
     */
    public static void prepare(CompiledModel m, EntryPoint e) {
        bytecode(m).plan(e);
    }

    /** Whether the bytecode backend writes flat f32 loops with vector lanes in this JVM. */
    public static boolean vectorLanes() {
        return VectorLanes.available();
    }

    private static BytecodeModel bytecode(CompiledModel m) {
        if (m instanceof BytecodeModel b) return b;
        throw new IllegalArgumentException("a model of the bytecode backend is needed, not " + m.getClass().getSimpleName());
    }

    /** A value the model computes (anything but a param): where it is written and its type. */
    public record Value(Span span, TensorType type) {
    }

    /** Every value of the model's graph but its params, in graph order (for size checks before compiling). */
    public static List<Value> values(CheckedModel m) {
        List<Value> out = new ArrayList<>();
        for (Node n : m.graph().nodes()) if (!(n.op() instanceof Op.Param)) out.add(new Value(n.span(), n.type()));
        return out;
    }

    private static Graph.Output output(CheckedModel m, String name) {
        return m.graph().output(Graph.Role.OUTPUT, name)
                .orElseThrow(() -> new NoSuchElementException("no output '" + name + "' in " + m.name()));
    }

    private static List<String> inputsOf(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node n : DeadCodeElimination.run(g).inputs()) out.add(((Op.Input) n.op()).name());
        return out;
    }
}
