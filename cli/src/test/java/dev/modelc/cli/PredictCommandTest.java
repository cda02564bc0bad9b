package dev.modelc.cli;

import static dev.modelc.cli.TrainCommandTest.model;
import static dev.modelc.cli.TrainCommandTest.modelc;
import static dev.modelc.cli.TrainCommandTest.sample;
import static dev.modelc.cli.TrainCommandTest.x;
import static dev.modelc.cli.TrainCommandTest.y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelc predict} end to end, through {@link Main#run}. */
class PredictCommandTest {
    private static final double[] W = {0.5, -0.25, 1, 2, 0.125, -1};
    private static final double[] B = {1.5, -3};

    @TempDir
    Path dir;

    /** CropYieldLinear's params with simple values, so the predictions are easy to compute here. */
    private Path params() throws IOException {
        Path file = dir.resolve("params.npz");
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("linear.weight", Tensor.of(DType.F32, new int[] {2, 3}, W));
        p.put("linear.bias", Tensor.of(DType.F32, new int[] {2}, B));
        Npz.write(file, p);
        return file;
    }

    /** x @ W.T + b on the sample's rows, in double (every value here is exact in f32). */
    private static double[] expected() throws IOException {
        List<String> lines = Files.readAllLines(sample("crop-yield/crop_yield.csv"));
        double[] out = new double[(lines.size() - 1) * 2];
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            for (int j = 0; j < 2; j++) {
                double v = B[j];
                for (int k = 0; k < 3; k++) v += Double.parseDouble(c[k]) * W[j * 3 + k];
                out[(i - 1) * 2 + j] = v;
            }
        }
        return out;
    }

    @Test
    void writesNpyThatReadsBack() throws IOException {
        Path out = dir.resolve("preds.npy");
        var r = modelc("predict", model(), "--model", "CropYieldLinear", "--params", params().toString(), "--data", x(),
                "--out", out.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals("wrote preds f32[15, 2] to " + out + "\n", r.out());
        Tensor preds = Npy.read(out);
        assertEquals(DType.F32, preds.dtype());
        assertArrayEquals(new int[] {15, 2}, preds.shape());
        assertArrayEquals(expected(), preds.toDoubleArray(), 1e-4);
    }

    @Test
    void writesCsvWithAColumnPerValueThatReadsBack() throws Exception {
        Path out = dir.resolve("preds.csv");
        var r = modelc("predict", model(), "--model", "CropYieldLinear", "--params", params().toString(), "--data", x(),
                "--out", out.toString());
        assertEquals(Main.OK, r.code(), r.err());
        CsvSource csv = new CsvSource(out);
        assertEquals(List.of("preds_0", "preds_1"), csv.header());
        Tensor back = csv.read(DType.F32, "preds_0", "preds_1");
        Path npy = dir.resolve("preds.npy");
        modelc("predict", model(), "--model", "CropYieldLinear", "--params", params().toString(), "--data", x(), "--out", npy.toString());
        assertEquals(Npy.read(npy), back, "the csv holds the same f32 values as the npy");
    }

    @Test
    void printsTorchStyleTensorsWithoutOut() throws IOException {
        var r = modelc("predict", model(), "--model", "CropYieldLinear", "--params", params().toString(), "--data", x());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("preds:\ntensor([["), r.out());
        assertTrue(r.out().strip().endsWith("]])"), r.out());
        assertEquals(16, r.out().lines().count(), r.out());
    }

    @Test
    void trainedParamsPredictWhatTrainingSaw() throws IOException {
        Path saved = dir.resolve("trained.npz");
        var t = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--epochs", "100",
                "--save", saved.toString());
        assertEquals(Main.OK, t.code(), t.err());
        Path out = dir.resolve("preds.npy");
        var p = modelc("predict", model(), "--model", "CropYieldLinear", "--params", saved.toString(), "--data", x(),
                "--out", out.toString());
        assertEquals(Main.OK, p.code(), p.err());
        // The final loss train reports is the MSE of these predictions.
        double[] preds = Npy.read(out).toDoubleArray();
        List<String> lines = Files.readAllLines(sample("crop-yield/crop_yield.csv"));
        double sum = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            for (int j = 0; j < 2; j++) {
                double d = preds[(i - 1) * 2 + j] - Double.parseDouble(c[3 + j]);
                sum += d * d;
            }
        }
        String reported = t.out().replaceAll("(?s).*final loss ([0-9.]+).*", "$1");
        assertEquals(Double.parseDouble(reported), sum / 30, 1e-3);
    }

    @Test
    void outputsAreChosenByTheInputsGivenOrByOutput() throws IOException {
        Path model = Files.writeString(dir.resolve("cls.model"), """
                model Cls {
                  input x: f32[N, 2]
                  input y: i32[N]
                  param w: f32[2, 3] = [[1, 0, -1], [0, 1, -1]]
                  output logits = x @ w
                  output predicted = argmax(logits, axis = -1)
                  output acc = accuracy(logits, y)
                  loss = cross_entropy(logits, y)
                }
                """);
        Path data = Files.writeString(dir.resolve("d.csv"), "a,b,label\n1,0,0\n0,1,1\n-1,-1,2\n0,1,0\n");
        Path params = dir.resolve("p.npz");
        Npz.write(params, Map.of("w", Tensor.of(DType.F32, new int[] {2, 3}, new double[] {1, 0, -1, 0, 1, -1})));
        String xs = "x=" + data + ":a,b", ys = "y=" + data + ":label";

        Path csv = dir.resolve("out.csv");
        var noLabels = modelc("predict", model.toString(), "--params", params.toString(), "--data", xs, "--out", csv.toString());
        assertEquals(Main.OK, noLabels.code(), noLabels.err());
        assertEquals("modelc: note: skipping output 'acc': it needs input 'y' (give --data y=...)\n", noLabels.err());
        assertEquals("logits_0,logits_1,logits_2,predicted", Files.readAllLines(csv).getFirst());
        assertEquals("1.0,0.0,-1.0,0", Files.readAllLines(csv).get(1));

        var withLabels = modelc("predict", model.toString(), "--params", params.toString(), "--data", xs, "--data", ys,
                "--out", csv.toString());
        assertEquals(Main.OK, withLabels.code(), withLabels.err());
        assertTrue(withLabels.out().endsWith("acc: tensor(0.7500)\n"), withLabels.out());

        Path npy = dir.resolve("out.npy");
        var several = modelc("predict", model.toString(), "--params", params.toString(), "--data", xs, "--out", npy.toString());
        assertEquals(Main.USER_ERROR, several.code());
        assertTrue(several.err().contains("a .npy file holds one output, but logits, predicted are computed; pick one with --output NAME"),
                several.err());
        var one = modelc("predict", model.toString(), "--params", params.toString(), "--data", xs, "--output", "predicted",
                "--out", npy.toString());
        assertEquals(Main.OK, one.code(), one.err());
        assertEquals(Tensor.of(new int[] {0, 1, 2, 1}, 4), Npy.read(npy));

        var typo = modelc("predict", model.toString(), "--params", params.toString(), "--data", xs, "--output", "predictd");
        assertEquals(Main.USER_ERROR, typo.code());
        assertEquals("modelc: Cls has no output 'predictd' (did you mean 'predicted'?); its outputs are logits, predicted, acc\n",
                typo.err());
        var needsY = modelc("predict", model.toString(), "--params", params.toString(), "--data", xs, "--output", "acc");
        assertEquals(Main.USER_ERROR, needsY.code());
        assertEquals("modelc: missing --data for input 'y' (i32[N]), needed by output 'acc' of Cls\n", needsY.err());
    }

    @Test
    void badParamsOrOutIsAOneLineError() throws IOException {
        var missing = modelc("predict", model(), "--model", "CropYieldLinear", "--params", dir.resolve("no.npz").toString(),
                "--data", x());
        assertEquals(Main.USER_ERROR, missing.code());
        assertEquals("modelc: --params: no such file: " + dir.resolve("no.npz") + "\n", missing.err());
        var txt = modelc("predict", model(), "--model", "CropYieldLinear", "--params", params().toString(), "--data", x(),
                "--out", dir.resolve("p.txt").toString());
        assertEquals(Main.USER_ERROR, txt.code());
        assertTrue(txt.err().startsWith("modelc: --out: write a .npy or a .csv file"), txt.err());
        var noOutputs = modelc("predict", model(), "--model", "CropYieldManual", "--params", params().toString(), "--data", x());
        assertEquals(Main.USER_ERROR, noOutputs.code());
        assertTrue(noOutputs.err().contains("CropYieldManual has no outputs to predict"), noOutputs.err());
    }
}
