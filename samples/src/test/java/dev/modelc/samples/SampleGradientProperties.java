package dev.modelc.samples;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import dev.modelc.testing.Bindings;
import dev.modelc.testing.BindingsArbitrary;
import dev.modelc.testing.GradCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The samples' gradients, checked the way a user checks their own model (see docs/testing.md):
 * jqwik draws complete bindings for a model's signature (a batch size N from 1 to 8, every
 * input and param in [-2, 2], class labels in [0, 3)), and {@link GradCheck} compares the
 * compiler's gradients, and their derivatives along a random direction, with central
 * differences in f64, on the reference interpreter and on the bytecode backend.
 */
class SampleGradientProperties {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    static final Model CROP_YIELD = model("crop-yield/crop_yield.model", "CropYield");
    static final Model CROP_YIELD_LINEAR = model("crop-yield/crop_yield.model", "CropYieldLinear");
    static final Model CLASSIFIER = model("classification/classification.model", "Classifier");
    static final Model CLASSIFIER_BY_HAND = model("classification/classification.model", "ClassifierByHand");

    static Model model(String file, String name) {
        try {
            return Modelc.compile(ROOT.resolve(file)).model(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<Bindings> cropYield() {
        return BindingsArbitrary.of(CROP_YIELD).sizes(1, 8);
    }

    @Provide
    Arbitrary<Bindings> cropYieldLinear() {
        return BindingsArbitrary.of(CROP_YIELD_LINEAR).sizes(1, 8);
    }

    @Provide
    Arbitrary<Bindings> classifier() {
        return BindingsArbitrary.of(CLASSIFIER).sizes(1, 8).values("y", 0, 2);
    }

    @Provide
    Arbitrary<Bindings> classifierByHand() {
        return BindingsArbitrary.of(CLASSIFIER_BY_HAND).sizes(1, 8).values("y", 0, 2);
    }

    @Property(tries = 2000)
    void cropYieldGradients(@ForAll("cropYield") Bindings b) {
        GradCheck.assertGradients(CROP_YIELD, b);
    }

    @Property(tries = 2000)
    void cropYieldSecondDerivatives(@ForAll("cropYield") Bindings b) {
        GradCheck.assertSecondDerivatives(CROP_YIELD, b);
    }

    /** One output rather than the loss, differentiated with respect to the inputs as well as the params. */
    @Property(tries = 500)
    void cropYieldPredictionsWithRespectToEverything(@ForAll("cropYield") Bindings b) {
        GradCheck.of(CROP_YIELD).output("preds").withRespectToInputs().assertGradients(b);
    }

    /** The same regression through the tutorial's layer and the prelude's mse_loss. */
    @Property(tries = 1000)
    void cropYieldLinearGradients(@ForAll("cropYieldLinear") Bindings b) {
        GradCheck.assertGradients(CROP_YIELD_LINEAR, b);
    }

    /** 131 param elements, two forward passes each: the most expensive property here. */
    @Property(tries = 500)
    void classifierGradients(@ForAll("classifier") Bindings b) {
        GradCheck.assertGradients(CLASSIFIER, b);
    }

    @Property(tries = 2000)
    void classifierSecondDerivatives(@ForAll("classifier") Bindings b) {
        GradCheck.assertSecondDerivatives(CLASSIFIER, b);
    }

    /** Softmax probabilities with respect to the features and the params. */
    @Property(tries = 200)
    void classifierProbabilitiesWithRespectToEverything(@ForAll("classifier") Bindings b) {
        GradCheck.of(CLASSIFIER).output("probs").withRespectToInputs().assertGradients(b);
    }

    /** The loss written out (log_softmax against one-hot targets). */
    @Property(tries = 200)
    void classifierByHandGradients(@ForAll("classifierByHand") Bindings b) {
        GradCheck.assertGradients(CLASSIFIER_BY_HAND, b);
        GradCheck.assertSecondDerivatives(CLASSIFIER_BY_HAND, b);
    }

    /** The same checks with the derived models compiled by the bytecode backend (in f64) instead of interpreted. */
    @Property(tries = 200)
    void onTheBytecodeBackend(@ForAll("classifier") Bindings b) {
        GradCheck.of(CLASSIFIER).on(Backend.BYTECODE).assertSecondDerivatives(b);
        GradCheck.of(CLASSIFIER).output("probs").on(Backend.BYTECODE).assertGradients(b);
    }

    /** Plain JUnit, no jqwik: the tutorial's first five rows at the params the model initializes. */
    @Test
    void theTutorialsDataAtTheInitialParams() throws Exception {
        CsvSource csv = new CsvSource(ROOT.resolve("crop-yield/crop_yield.csv"));
        Tensor x = csv.read(DType.F32, "temp", "rainfall", "humidity");
        Tensor y = csv.read(DType.F32, "apples", "oranges");
        Model model = model("crop-yield/crop_yield.model", "CropYieldLinear").initialize(0);
        GradCheck.assertGradients(model, Map.of("x", x, "y", y));
    }
}
