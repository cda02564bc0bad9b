package dev.modelc.samples.api;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/** Compiles a .model file at run time, trains its model on data made here, and predicts with it. */
public final class Fit {
    /** The line the data follows: y = 2 x0 - 3 x1 + 0.5 x2 + 1. */
    static final double[] WEIGHTS = {2, -3, 0.5};
    static final double BIAS = 1;

    private Fit() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "src/main/model/line.model");
        Model model = train(file, 256);
        Tensor x = Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3);
        System.out.println("preds = " + predict(model, x));
        System.out.println("params = " + model.params());
    }

    /** The model {@code Line} of {@code file}, trained by its train block on {@code rows} rows of the line. */
    public static Model train(Path file, int rows) throws IOException {
        Model model = Modelc.compile(file).model("Line").initialize(0);
        Trainer.Result r = model.fit(new TensorDataset(line(rows, 7)));
        System.out.printf("%d epochs, final loss %.6f%n", r.epochLosses().size(), r.finalLoss());
        return model;
    }

    /** The model's {@code preds} for {@code x}: the output needs no labels. */
    public static Tensor predict(Model model, Tensor x) {
        return model.forward(Map.of("x", x)).get("preds");
    }

    /** {@code rows} points of the line, x uniform in [-1, 1], as columns {@code x} and {@code y}. */
    static Map<String, Tensor> line(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 3];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double sum = BIAS;
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) random.nextDouble(-1, 1);
                sum += WEIGHTS[j] * x[i * 3 + j];
            }
            y[i] = (float) sum;
        }
        return Map.of("x", Tensor.of(x, rows, 3), "y", Tensor.of(y, rows, 1));
    }
}
