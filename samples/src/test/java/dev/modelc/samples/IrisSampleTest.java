package dev.modelc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Iris sample trains as its README says: the model's own train block (Adam, lr 0.01, batches
 * of 16, 100 epochs, seed 0) on all 150 flowers reaches at least 95% training accuracy.
 */
class IrisSampleTest {
    private static final Path DIR = Path.of("").toAbsolutePath().resolve("classification-iris");
    private static final String[] FEATURES = {"sepal_length", "sepal_width", "petal_length", "petal_width"};

    @Test
    void theDataIsFishersIrisWithItsNotice() throws Exception {
        CsvSource csv = new CsvSource(DIR.resolve("iris.csv"));
        assertEquals(java.util.List.of("sepal_length", "sepal_width", "petal_length", "petal_width", "species"), csv.header());
        double[] species = csv.read(DType.F64, "species").toDoubleArray();
        int[] counts = new int[3];
        for (double s : species) counts[(int) s]++;
        assertArrayEquals(new int[] {50, 50, 50}, counts);
        assertEquals(150 * 4, csv.read(DType.F32, FEATURES).numel());
        String notice = Files.readString(DIR.resolve("LICENSE"));
        assertTrue(notice.contains("CC BY 4.0") && notice.contains("BSD-3-Clause"), notice);
    }

    @Test
    void theMlpReachesAtLeast95PercentTrainingAccuracy() throws Exception {
        CsvSource csv = new CsvSource(DIR.resolve("iris.csv"));
        Map<String, Tensor> data = new LinkedHashMap<>();
        data.put("x", csv.read(DType.F32, FEATURES));
        data.put("y", csv.read(DType.F64, "species").reshape(150).to(DType.I32)); // the model's y is i32[N]
        Model iris = Modelc.compile(DIR.resolve("iris.model")).model("Iris");

        long start = System.nanoTime();
        Trainer.Result r = iris.fit(new TensorDataset(data));
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = iris.forward(data).get("accuracy").item();
        System.out.printf(Locale.ROOT, "Iris: %d epochs in %.2f s, final loss %.4f, training accuracy %.4f%n",
                r.epochLosses().size(), seconds, r.finalLoss(), accuracy);

        assertEquals(100, r.epochLosses().size());
        assertTrue(r.finalLoss() < r.epochLosses().getFirst(), "the loss falls: " + r.epochLosses());
        assertTrue(accuracy >= 0.95, "training accuracy " + accuracy);
        assertTrue(seconds < 60, "training took " + seconds + " s");
    }
}
