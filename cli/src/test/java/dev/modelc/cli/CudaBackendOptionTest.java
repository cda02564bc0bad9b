package dev.modelc.cli;

import static dev.modelc.cli.Cli.modelc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.backend.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backend cuda} on a machine without a CUDA driver: one line, exit 1, on every command that runs a model. */
class CudaBackendOptionTest {
    private static final String NO_DRIVER = "modelc: --backend cuda: no CUDA driver found (libcuda.so.1 did not load); "
            + "use --backend bytecode\n";

    @Test
    void everyCommandThatRunsAModelSaysThereIsNoDriver(@TempDir Path dir) throws IOException {
        assumeTrue(Backend.CUDA.unavailable().equals(java.util.Optional.of("no CUDA driver found (libcuda.so.1 did not load)")),
                "this machine has a CUDA driver: " + Backend.CUDA.unavailable());
        Path model = Cli.cropYield();
        Path csv = model.resolveSibling("crop_yield.csv");
        Path values = dir.resolve("v.json");
        Files.writeString(values, "{\"x\": [[73, 67, 43]], \"y\": [[56, 70]]}");
        Cli.Result train = modelc("train", model.toString(), "--model", "CropYieldLinear", "--backend", "cuda",
                "--data", "x=" + csv + ":temp,rainfall,humidity", "--data", "y=" + csv + ":apples,oranges", "--epochs", "1");
        assertEquals(new Cli.Result(1, "", NO_DRIVER), train);
        Cli.Result eval = modelc("eval", model.toString(), "--model", "CropYield", "--inputs", values.toString(),
                "--backend", "cuda", "--device", "1");
        assertEquals(new Cli.Result(1, "", NO_DRIVER), eval);
        Cli.Result predict = modelc("predict", model.toString(), "--model", "CropYield", "--backend", "cuda",
                "--params", dir.resolve("none.npz").toString(), "--data", "x=" + csv + ":temp,rainfall,humidity");
        assertEquals(1, predict.code());
    }

    @Test
    void aNegativeDeviceIsAUsageError() {
        Cli.Result r = modelc("eval", Cli.cropYield().toString(), "--inputs", "v.json", "--backend", "cuda", "--device", "-1");
        assertEquals(1, r.code());
        assertEquals("--device must be 0 or more, not -1", r.err().lines().findFirst().orElse(""));
    }

    @Test
    void compileEmitsTheCudaCOfEveryEntryPoint() {
        Cli.Result r = modelc("compile", Cli.cropYield().toString(), "--model", "CropYieldManual", "--emit", "cuda");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("loss", "lossAndGradients", "updateStep", "initialParams"), r.out().lines()
                .filter(l -> l.startsWith("// modelc: CropYieldManual."))
                .map(l -> l.substring("// modelc: CropYieldManual.".length(), l.indexOf(','))).toList());
        assertEquals(true, r.out().contains("extern \"C\" __global__ void k0("), r.out());
    }
}
