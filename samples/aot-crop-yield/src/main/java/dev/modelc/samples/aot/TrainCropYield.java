package dev.modelc.samples.aot;

import crop_yield.CropYieldLinear;
import crop_yield.CropYieldManual;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import dev.modelc.runtime.data.DataException;
import dev.modelc.runtime.data.DataLoader;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The PyTorch basics tutorial's training, through the classes modelc-maven-plugin generated
 * from {@code crop_yield.model} at build time: no compiler on the class path, only the runtime.
 *
 * <p>Arguments: the tutorial's CSV and a file to save the trained params to.
 */
public final class TrainCropYield {
    private TrainCropYield() {
    }

    public static void main(String[] args) throws IOException, DataException {
        CsvSource csv = new CsvSource(Path.of(args[0]));
        Tensor x = csv.read(DType.F32, "temp", "rainfall", "humidity");
        Tensor y = csv.read(DType.F32, "apples", "oranges");

        // The tutorial's hand-written loop (w -= w.grad * 1e-5; b -= b.grad * 1e-5), which CropYieldManual
        // writes as update rules, from the nn.Linear weights the tutorial printed.
        CropYieldManual manual = new CropYieldManual(new CropYieldManual.Params(
                Tensor.of(new float[] {0.4824f, 0.0354f, 0.5314f, -0.3054f, -0.4184f, 0.3570f}, 2, 3),
                Tensor.of(new float[] {0.3742f, -0.2385f}, 2)));
        System.out.println("CropYieldManual: 100 epochs of full-batch gradient descent by its update rules");
        for (int epoch = 1; epoch <= 100; epoch++) {
            manual.step(x, y);
            System.out.printf("Epoch [%d/100], Loss: %.4f%n", epoch, manual.loss(x, y).item());
        }
        Path saved = Path.of(args[1]);
        manual.save(saved);
        CropYieldManual reloaded = new CropYieldManual();
        reloaded.load(saved);
        System.out.println("w = " + reloaded.params().w());
        System.out.println("b = " + reloaded.params().b());
        System.out.println("saved to " + saved + " as " + reloaded.parameters().keySet());

        // The tutorial's second half: nn.Linear, F.mse_loss and SGD on shuffled batches of 5 (the model's train block).
        CropYieldLinear linear = new CropYieldLinear();
        Sgd sgd = new Sgd(1e-5);
        DataLoader loader = new DataLoader(new TensorDataset(Map.of("x", x, "y", y)), 5, true, false, 0);
        System.out.println("CropYieldLinear: 100 epochs of SGD (lr = 1e-5) on shuffled batches of 5");
        for (int epoch = 1; epoch <= 100; epoch++) {
            for (Map<String, Tensor> batch : loader.epoch(epoch - 1)) linear.step(sgd, batch.get("x"), batch.get("y"));
            if (epoch % 10 == 0) System.out.printf("Epoch [%d/100], Loss: %.4f%n", epoch, linear.loss(x, y).item());
        }
        System.out.println("preds = " + linear.forward(x).preds());
    }
}
