package dev.modelc.bench;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The inputs and initial params of every workload, written for the libtorch peer as raw
 * little-endian files ({@code NAME.f32}, {@code NAME.i32}; the peer knows the shapes), so that
 * both sides train on the same numbers and their losses can be compared.
 */
final class PeerInputs {
    private PeerInputs() {
    }

    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> seed = Workloads.regressionData(15), linreg = Workloads.regressionData(1 << 20);
        f32(dir, "seed_x", seed.get("x"));
        f32(dir, "seed_y", seed.get("y"));
        f32(dir, "linreg_x", linreg.get("x"));
        f32(dir, "linreg_y", linreg.get("y"));
        Map<String, Tensor> params = Workloads.regressionParams();
        f32(dir, "regression_w", params.get("w"));
        f32(dir, "regression_b", params.get("b"));
        int n = 1 << 22;
        f32(dir, "smooth_x", Tensor.of(Workloads.smoothInput(n), n));
        Map<String, Tensor> mlp = Workloads.mlpData(256);
        f32(dir, "mlp_x", mlp.get("x"));
        i32(dir, "mlp_y", (int[]) mlp.get("y").storage());
        for (var p : Workloads.model("Mlp", Backend.BYTECODE).initialParams(0).entrySet()) f32(dir, "mlp_" + p.getKey(), p.getValue());
        Map<String, Tensor> images = Workloads.imageData(64);
        f32(dir, "images_x", images.get("x"));
        i32(dir, "images_y", (int[]) images.get("y").storage());
        for (String model : List.of("Conv1", "Conv2", "CnnStep")) {
            String prefix = model.toLowerCase(java.util.Locale.ROOT) + "_";
            for (var p : Workloads.model(model, Backend.BYTECODE).initialParams(0).entrySet()) f32(dir, prefix + p.getKey(), p.getValue());
        }
    }

    private static void f32(Path dir, String name, Tensor t) throws IOException {
        float[] v = (float[]) t.to(DType.F32).storage();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(dir.resolve(name + ".f32"), b.array());
    }

    private static void i32(Path dir, String name, int[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        Files.write(dir.resolve(name + ".i32"), b.array());
    }
}
