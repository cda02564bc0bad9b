package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.properties.ExprPrograms.Built;
import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.runtime.Tensor;
import dev.modelc.testing.Bindings;
import dev.modelc.testing.GradCheck;
import dev.modelc.testing.Outcome;
import dev.modelc.testing.Tolerances;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Symbolic first and second derivatives of random expression graphs (the compiler's
 * {@link ExprPrograms}, from its test jar) against central finite differences, in f64, by
 * {@link GradCheck}: each program is a model whose inputs x0, x1, ... are checked as variables
 * ({@link GradCheck#withRespectToInputs}) and whose scalar result y is the loss.
 *
 * <p>Step and tolerance: GradCheck's defaults, {@link Tolerances#DEFAULT}. With h = 1e-5 the central
 * difference's truncation error is h^2/6 |f'''| ~ 2e-11 |f'''|, and its rounding error is about
 * eps * F / h ~ 2e-11 F, where F is the size of the terms summed into f (values are rescaled
 * under 4 and tensors have at most 48 elements, so F stays below ~1e3). A derivative passes when
 * {@code |fd - exact| <= 1e-5 * max(|fd|, |exact|) + 1e-7 * (1 + scale)}, with scale = |y| for
 * the gradient and the largest |gradient| element for the Hessian-vector product (what the
 * differenced quantity's rounding is relative to). Over 6000 programs per property the largest
 * error seen was 0.15% of this tolerance, while scaling the symbolic result by 1 + 1e-4 (a rule
 * wrong in the fourth digit) exceeds it tenfold.
 *
 * <p>Kinks: a point is used only when every kink argument of the forward graph keeps
 * {@link #KINK_MARGIN} from its kink (a central difference moves each input by 1e-5; with slopes
 * of intermediate values below 100, and the rescaling keeps them far lower, no kink is crossed)
 * and no difference crosses one (GradCheck's side test, which also catches ties that hold up to
 * rounding only). Otherwise the next of {@link #ATTEMPTS} points is tried, and after those the
 * program is discarded.
 */
class GradientProperties {
    static final Tolerances TOLERANCES = Tolerances.DEFAULT;
    static final double KINK_MARGIN = 1e-3;
    /** Inputs are drawn from [-RANGE, RANGE]. */
    static final double RANGE = 2;
    /** Points tried per program before the sample is discarded. */
    static final int ATTEMPTS = 8;

    static final int TRIES = 2000;

    @Provide
    Arbitrary<Program> programs() {
        return ExprPrograms.programs();
    }

    /** dy/dx_i[k] against (y(x + h e_k) - y(x - h e_k)) / 2h for every element of every input. */
    @Property(tries = TRIES)
    void gradientsMatchFiniteDifferences(@ForAll("programs") Program program) {
        check(program, (check, at) -> check.checkGradients(at));
    }

    /**
     * H v (the gradient of sum_j <g_j, v_j>) against (g(x + h v) - g(x - h v)) / 2h, every
     * input moved along its own direction v_i at once.
     */
    @Property(tries = TRIES)
    void hessianVectorProductsMatchFiniteDifferencesOfTheGradient(@ForAll("programs") Program program) {
        check(program, (check, at) -> check.checkSecondDerivatives(at));
    }

    private static void check(Program program, BiFunction<GradCheck, Bindings, Outcome> how) {
        Built built;
        try {
            built = ExprPrograms.build(program);
        } catch (RuntimeException bad) {
            throw new AssertionError("building the program fails: " + bad + "\n" + program, bad);
        }
        CheckedModel model = model(built);
        GradCheck check = GradCheck.of(model).withRespectToInputs().tolerances(TOLERANCES).kinkMargin(KINK_MARGIN);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Outcome outcome;
            try {
                // the direction of the Hessian-vector product changes with the point, as the values do
                outcome = how.apply(check.seed(program.seed() * 1_000_003L + attempt), point(built, attempt));
            } catch (AssertionError | RuntimeException bad) {
                throw new AssertionError(bad.getMessage() + "\n" + describe(program, model), bad);
            }
            switch (outcome) {
                case Outcome.Passed p -> {
                    return;
                }
                case Outcome.Failed f -> fail(f.message() + "\n" + describe(program, model));
                case Outcome.Undecidable u -> {
                }
            }
        }
        Assume.that(false);
    }

    /** The program as a model: inputs x0, x1, ..., loss y, no params. */
    private static CheckedModel model(Built built) {
        List<ModelSignature.Entry> inputs = new ArrayList<>();
        for (int i = 0; i < built.inputs().size(); i++) {
            inputs.add(new ModelSignature.Entry("x" + i, built.inputTypes().get(i), null));
        }
        Graph g = built.builder().build(List.of(new Graph.Output("y", Graph.Role.LOSS, built.y())));
        ModelSignature sig = new ModelSignature("Program", inputs, List.of(), List.of(),
                Optional.of(new ModelSignature.Entry("y", g.node(built.y()).type(), null)), List.of(), Optional.empty());
        return new CheckedModel(sig, g);
    }

    /** Values for x_i, drawn from the program's seed and the attempt number. */
    private static Bindings point(Built built, int attempt) {
        Random r = new Random(built.program().seed() * 1_000_003L + attempt);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < built.inputs().size(); i++) {
            int[] s = ExprPrograms.dims(built.inputTypes().get(i).shape());
            double[] x = new double[Tensor.numel(s)];
            for (int k = 0; k < x.length; k++) x[k] = (r.nextDouble() * 2 - 1) * RANGE;
            out.put("x" + i, Tensor.of(x, s));
        }
        return Bindings.ofInputs(out);
    }

    private static String describe(Program program, CheckedModel model) {
        return program + "\n" + GraphPrinter.print(model.graph());
    }
}
