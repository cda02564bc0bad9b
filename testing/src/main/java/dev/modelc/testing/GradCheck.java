package dev.modelc.testing;

import dev.modelc.api.DerivativeModels;
import dev.modelc.api.Driver;
import dev.modelc.api.Model;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Checks a model's symbolic derivatives against central finite differences, in f64 whatever the
 * model declares, like PyTorch's {@code gradcheck} and {@code gradgradcheck}.
 *
 * <p>First derivatives ({@link #checkGradients}): every element k of every variable (each param,
 * and each floating input after {@link #withRespectToInputs}) is moved by ±h, and
 * {@code (f(x + h e_k) - f(x - h e_k)) / 2h} is compared with the model's gradient. The objective
 * f is the model's loss, or, after {@link #output}, one output projected on a fixed random
 * cotangent c: {@code sum(output * c)}. For the loss and params the gradients are those the
 * compiler built for training.
 *
 * <p>Second derivatives ({@link #checkSecondDerivatives}): the gradient is differentiated again
 * along a random direction v (one per variable, in [-1, 1], drawn from {@link #seed}), and the
 * Hessian-vector product H v is compared with {@code (g(x + h v) - g(x - h v)) / 2h}, element by
 * element.
 *
 * <p>The derived models run on the reference interpreter in f64, the oracle, unless {@link #on}
 * picks a backend. Tolerances and the step are {@link Tolerances#DEFAULT} unless set.
 * Non-differentiable points are not failures: where a step crosses a kink (relu at 0, where the
 * operands of maximum meet, a comparison that decides differently, a max reduction whose
 * extreme changes hands), or the objective is not finite, the outcome is
 * {@link Outcome.Undecidable}, and the assertions abort the test instead of failing it (jqwik
 * counts that try as rejected and generates another).
 *
 * <pre>{@code
 * Model model = Modelc.compile(Path.of("crop_yield.model")).model("CropYield");
 * GradCheck.assertGradients(model, Bindings.of(Map.of("x", x, "y", y), Map.of("w", w, "b", b)));
 * GradCheck.of(model).output("preds").on(Backend.BYTECODE).assertSecondDerivatives(bindings);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. The models a check derives are built on first use
 * and shared by every check made from the same {@code of(...)} (and {@link #of(Model)} returns
 * one check per model), so configuring a check inside a property costs nothing after the first
 * try.
 */
public final class GradCheck {
    /** Checks by {@link Model}, so that the static assertions derive each model's graphs once. */
    private static final Map<Model, GradCheck> BY_MODEL = Collections.synchronizedMap(new WeakHashMap<>());

    /** The derived models and their evaluator. */
    private record Derived(DerivativeModels model, Evaluator evaluator) {
    }

    /** What the derived models depend on: which objective, which variables, which engine. */
    private record Derivation(Optional<String> output, boolean inputs, Engine engine) {
    }

    /**
     * The derived models of one source model, built on first use and shared by every check of
     * it, so that a property which configures its check on every try derives them once.
     */
    private static final class Derivations {
        private final Map<Derivation, Derived> built = new HashMap<>();

        synchronized Derived of(CheckedModel model, Derivation d) {
            return built.computeIfAbsent(d, k -> {
                DerivativeModels dm = Driver.derivativeModels(model, k.output(), k.inputs());
                return new Derived(dm, new Evaluator(dm, k.engine()));
            });
        }
    }

    private final CheckedModel model;
    private final Optional<String> output;
    private final boolean inputs;
    private final Engine engine;
    private final Tolerances tolerances;
    private final double kinkMargin;
    private final long seed;
    private final Derivations derivations;

    private GradCheck(CheckedModel model, Optional<String> output, boolean inputs, Engine engine, Tolerances tolerances,
                      double kinkMargin, long seed, Derivations derivations) {
        this.model = model;
        this.output = output;
        this.inputs = inputs;
        this.engine = engine;
        this.tolerances = tolerances;
        this.kinkMargin = kinkMargin;
        this.seed = seed;
        this.derivations = derivations;
    }

    /** A check of {@code model}'s loss and params on the reference interpreter, with the default tolerances. */
    public static GradCheck of(Model model) {
        Objects.requireNonNull(model, "model == null");
        return BY_MODEL.computeIfAbsent(model, m -> of(m.checked()));
    }

    /** A check of a checked model (from the compiler, or a graph built by hand). */
    public static GradCheck of(CheckedModel model) {
        Objects.requireNonNull(model, "model == null");
        return new GradCheck(model, Optional.empty(), false, Engine.REFERENCE, Tolerances.DEFAULT, 0, 0, new Derivations());
    }

    /** Checks the loss's gradients of {@code model} at {@code at}; see {@link #assertGradients(Bindings)}. */
    public static void assertGradients(Model model, Bindings at) {
        of(model).assertGradients(at);
    }

    /** Checks the loss's gradients of {@code model} at {@code inputs} and the model's current params. */
    public static void assertGradients(Model model, Map<String, Tensor> inputs) {
        of(model).assertGradients(Bindings.of(inputs, model.params()));
    }

    /** Checks the loss's second derivatives of {@code model} at {@code at}; see {@link #assertSecondDerivatives(Bindings)}. */
    public static void assertSecondDerivatives(Model model, Bindings at) {
        of(model).assertSecondDerivatives(at);
    }

    /** Checks the loss's second derivatives of {@code model} at {@code inputs} and the model's current params. */
    public static void assertSecondDerivatives(Model model, Map<String, Tensor> inputs) {
        of(model).assertSecondDerivatives(Bindings.of(inputs, model.params()));
    }

    // ---- configuration: each returns a new check ----

    /**
     * Runs the derived models on one of the project's backends, told to compute in f64, rather
     * than on the reference interpreter directly (the default).
     */
    public GradCheck on(Backend backend) {
        return new GradCheck(model, output, inputs, new Engine.Project(backend), tolerances, kinkMargin, seed, derivations);
    }

    /**
     * Runs the derived models on any backend: {@code compiler} turns each (all-f64) derived model
     * into the runtime's {@link CompiledModel}. The derived models are cached per function, so
     * keep it in a constant rather than writing a new lambda on every try.
     */
    public GradCheck on(String name, Function<CheckedModel, CompiledModel> compiler) {
        return new GradCheck(model, output, inputs, new Engine.Custom(name, compiler), tolerances, kinkMargin, seed, derivations);
    }

    /** Checks one floating output, projected on a fixed random cotangent, instead of the loss. */
    public GradCheck output(String name) {
        Objects.requireNonNull(name, "name == null");
        return new GradCheck(model, Optional.of(name), inputs, engine, tolerances, kinkMargin, seed, derivations);
    }

    /** Also differentiates with respect to every floating input, as if it were a param. */
    public GradCheck withRespectToInputs() {
        return new GradCheck(model, output, true, engine, tolerances, kinkMargin, seed, derivations);
    }

    public GradCheck tolerances(Tolerances tolerances) {
        Objects.requireNonNull(tolerances, "tolerances == null");
        return new GradCheck(model, output, inputs, engine, tolerances, kinkMargin, seed, derivations);
    }

    /**
     * Also rejects points where any kink argument of the objective's graph is closer than
     * {@code margin} to its kink (0, the default, rejects only steps that cross one). A margin
     * guards against steps that cross a kink and cross back, which the side test cannot see.
     */
    public GradCheck kinkMargin(double margin) {
        if (!(margin >= 0)) throw new IllegalArgumentException("margin must not be negative, is " + margin);
        return new GradCheck(model, output, inputs, engine, tolerances, margin, seed, derivations);
    }

    /** The seed of the random cotangent (for an output) and of the directions of second derivatives. */
    public GradCheck seed(long seed) {
        return new GradCheck(model, output, inputs, engine, tolerances, kinkMargin, seed, derivations);
    }

    public Tolerances tolerances() {
        return tolerances;
    }

    // ---- checks ----

    /** Fails with a readable message when a gradient is wrong; aborts the test (a rejected try) when it cannot decide. */
    public void assertGradients(Bindings at) {
        enforce(checkGradients(at));
    }

    /** Fails with a readable message when a Hessian-vector product is wrong; aborts the test when it cannot decide. */
    public void assertSecondDerivatives(Bindings at) {
        enforce(checkSecondDerivatives(at));
    }

    /** Every element of every variable's gradient against a central difference of the objective. */
    public Outcome checkGradients(Bindings b) {
        Derived d = derived();
        Evaluator ev = d.evaluator;
        Map<String, Tensor> at = values(b, d.model);
        Evaluator.Point base = ev.gradients(at, false);
        Evaluator.Point here = ev.objective(at, true);
        double y = base.objective();
        if (!Double.isFinite(y)) return new Outcome.Undecidable("the objective is " + y + " at " + b);
        if (here.margin() < kinkMargin) return tooClose(here.margin());
        double h = tolerances.step();
        List<Mismatch> bad = new ArrayList<>();
        int checked = 0, undecided = 0;
        String why = null;
        for (DerivativeModels.Variable v : d.model.variables()) {
            Tensor t = at.get(v.name());
            double[] x = t.toDoubleArray(), g = base.gradients().get(v.name());
            for (int k = 0; k < x.length; k++) {
                double[] xp = x.clone(), xm = x.clone();
                xp[k] += h;
                xm[k] -= h;
                Evaluator.Point p = ev.objective(with(at, v.name(), Tensor.of(xp, t.shape())), true);
                Evaluator.Point m = ev.objective(with(at, v.name(), Tensor.of(xm, t.shape())), true);
                String crossing = !p.side().equals(here.side()) ? crossing(ev, false, here.side(), p.side())
                        : !m.side().equals(here.side()) ? crossing(ev, false, here.side(), m.side()) : null;
                if (crossing == null && !(Double.isFinite(p.objective()) && Double.isFinite(m.objective()))) {
                    crossing = "the objective is not finite at a step";
                }
                if (crossing != null) {
                    undecided++;
                    if (why == null) why = "moving " + v.describe() + " at " + index(k, t.shape()) + " by " + h + ": " + crossing;
                    continue;
                }
                checked++;
                double fd = (p.objective() - m.objective()) / (2 * h);
                if (!tolerances.close(fd, g[k], y)) {
                    bad.add(new Mismatch(Mismatch.Order.FIRST, v.describe(), index(k, t.shape()), g[k], fd,
                            tolerances.allowed(fd, g[k], y)));
                }
            }
        }
        if (!bad.isEmpty()) return new Outcome.Failed(FailureMessage.of(model, output, Mismatch.Order.FIRST, bad, checked, y, b, null, tolerances, engine), bad);
        if (undecided > 0) return new Outcome.Undecidable(undecided + " element(s) cannot be differenced: " + why);
        return new Outcome.Passed(checked);
    }

    /**
     * H v for every variable against a central difference of the gradient along v, all
     * variables moved at once.
     */
    public Outcome checkSecondDerivatives(Bindings b) {
        Derived d = derived();
        Evaluator ev = d.evaluator;
        Map<String, Tensor> at = values(b, d.model);
        Map<String, Tensor> directions = directions(at, d.model);
        double h = tolerances.step();
        Evaluator.Point here = ev.gradients(at, true);
        if (!Double.isFinite(here.objective())) return new Outcome.Undecidable("the objective is " + here.objective() + " at " + b);
        if (kinkMargin > 0) {
            double margin = ev.objective(at, true).margin();
            if (margin < kinkMargin) return tooClose(margin);
        }
        Evaluator.Point p = ev.gradients(along(at, directions, h), true);
        Evaluator.Point m = ev.gradients(along(at, directions, -h), true);
        if (!p.side().equals(here.side()) || !m.side().equals(here.side())) {
            String other = !p.side().equals(here.side()) ? p.side() : m.side();
            return new Outcome.Undecidable("a step of " + h + " along the direction: " + crossing(ev, true, here.side(), other));
        }
        Map<String, Tensor> withDirections = new HashMap<>(at);
        directions.forEach((name, v) -> withDirections.put(DerivativeModels.DIRECTION + name, v));
        Map<String, double[]> hv = ev.hessianVectorProducts(withDirections);
        List<Mismatch> bad = new ArrayList<>();
        int checked = 0;
        for (DerivativeModels.Variable v : d.model.variables()) {
            double[] g = here.gradients().get(v.name()), gp = p.gradients().get(v.name()), gm = m.gradients().get(v.name());
            double[] exact = hv.get(v.name());
            double scale = 0;
            for (double e : g) scale = Math.max(scale, Math.abs(e));
            int[] shape = at.get(v.name()).shape();
            for (int k = 0; k < g.length; k++) {
                double fd = (gp[k] - gm[k]) / (2 * h);
                if (!Double.isFinite(fd)) {
                    return new Outcome.Undecidable("the gradient of " + v.describe() + " is not finite at a step along the direction");
                }
                checked++;
                if (!tolerances.close(fd, exact[k], scale)) {
                    bad.add(new Mismatch(Mismatch.Order.SECOND, v.describe(), index(k, shape), exact[k], fd,
                            tolerances.allowed(fd, exact[k], scale)));
                }
            }
        }
        if (!bad.isEmpty()) return new Outcome.Failed(FailureMessage.of(model, output, Mismatch.Order.SECOND, bad, checked, here.objective(), b, directions,
                tolerances, engine), bad);
        return new Outcome.Passed(checked);
    }

    // ---- the work ----

    private Derived derived() {
        return derivations.of(model, new Derivation(output, inputs, engine));
    }

    /** The bindings as the derived models take them: floating values in f64, and the cotangent of an output. */
    private Map<String, Tensor> values(Bindings b, DerivativeModels dm) {
        ModelSignature sig = model.signature();
        Map<String, Tensor> given = b.all();
        Set<String> known = new TreeSet<>();
        Map<String, Tensor> at = new LinkedHashMap<>();
        for (ModelSignature.Entry e : sig.inputs()) {
            known.add(e.name());
            put(at, given, e.name(), e.type().isFloating(), "input");
        }
        for (ModelSignature.ParamEntry p : sig.params()) {
            known.add(p.path());
            put(at, given, p.path(), true, "param");
        }
        for (String name : given.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("model " + model.name() + " has no input or param '" + name + "'; it has " + known);
            }
        }
        if (dm.output().isPresent()) {
            at.put(DerivativeModels.COTANGENT, uniform(new Random(seed ^ 0x636f74616e67L), dm.cotangentShape(at)));
        }
        return at;
    }

    private static void put(Map<String, Tensor> at, Map<String, Tensor> given, String name, boolean floating, String what) {
        Tensor t = given.get(name);
        if (t == null) throw new IllegalArgumentException("no value for " + what + " '" + name + "'; the bindings have " + given.keySet());
        at.put(name, floating && t.dtype() != DType.F64 ? t.to(DType.F64) : t);
    }

    /** One direction per variable, in [-1, 1], drawn from the seed and the variable's name. */
    private Map<String, Tensor> directions(Map<String, Tensor> at, DerivativeModels dm) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (DerivativeModels.Variable v : dm.variables()) {
            out.put(v.name(), uniform(new Random(seed * 1_000_003L + v.name().hashCode()), at.get(v.name()).shape()));
        }
        return out;
    }

    private static Tensor uniform(Random r, int[] shape) {
        double[] d = new double[Tensor.numel(shape)];
        for (int k = 0; k < d.length; k++) d[k] = r.nextDouble() * 2 - 1;
        return Tensor.of(d, shape);
    }

    private static Map<String, Tensor> along(Map<String, Tensor> at, Map<String, Tensor> directions, double step) {
        Map<String, Tensor> out = new HashMap<>(at);
        directions.forEach((name, v) -> {
            double[] x = at.get(name).toDoubleArray(), d = v.toDoubleArray();
            for (int k = 0; k < x.length; k++) x[k] += step * d[k];
            out.put(name, Tensor.of(x, v.shape()));
        });
        return out;
    }

    private static Map<String, Tensor> with(Map<String, Tensor> values, String name, Tensor t) {
        Map<String, Tensor> out = new HashMap<>(values);
        out.put(name, t);
        return out;
    }

    /** The multi-index of flat (row-major) index {@code k}. */
    private static List<Integer> index(int k, int[] shape) {
        Integer[] idx = new Integer[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = k % shape[a];
            k /= shape[a];
        }
        return List.of(idx);
    }

    private Outcome tooClose(double margin) {
        return new Outcome.Undecidable("a kink argument is " + margin + " from its kink, closer than the margin " + kinkMargin);
    }

    private static String crossing(Evaluator ev, boolean ofGradients, String here, String there) {
        return "it crosses the kink of " + ev.kinkBetween(ofGradients, here, there);
    }

    private static void enforce(Outcome o) {
        switch (o) {
            case Outcome.Passed p -> {
            }
            case Outcome.Failed f -> {
                Mismatch first = f.mismatches().getFirst();
                throw new AssertionFailedError(f.message(), first.finiteDifference(), first.symbolic());
            }
            case Outcome.Undecidable u -> throw new TestAbortedException("GradCheck cannot decide at this point: " + u.reason());
        }
    }

    @Override
    public String toString() {
        return "GradCheck(" + model.name() + output.map(o -> ", output " + o).orElse("") + (inputs ? ", inputs too" : "")
                + ", " + tolerances + ", " + engine.name() + ")";
    }
}
