package dev.modelc.bench;

import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The models of {@code workloads.model} and their data, made the same way for every benchmark. */
final class Workloads {
    private Workloads() {
    }

    /** The seed's 15 rows (temp, rainfall, humidity -> apples, oranges), from the PyTorch tutorial. */
    static final float[][] SEED = {
            {73, 67, 43, 56, 70}, {91, 88, 64, 81, 101}, {87, 134, 58, 119, 133}, {102, 43, 37, 22, 37},
            {69, 96, 70, 103, 119}, {74, 66, 43, 57, 69}, {91, 87, 65, 80, 102}, {88, 134, 59, 118, 132},
            {101, 44, 37, 21, 38}, {68, 96, 71, 104, 118}, {73, 66, 44, 57, 69}, {92, 87, 64, 82, 100},
            {87, 135, 57, 118, 134}, {103, 43, 36, 20, 38}, {68, 97, 70, 102, 120}};

    static final float[] W0 = {0.5121f, 0.0860f, -0.1805f, 1.3327f, -1.7127f, 0.5562f};
    static final float[] B0 = {-0.5312f, -1.3984f};
    static final float LR = 1e-5f;

    static String source() {
        try (InputStream in = Workloads.class.getResourceAsStream("workloads.model")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model {@code name} compiled by {@code backend} in its declared dtypes, from the source compiled afresh. */
    static CompiledModel model(String name, Backend backend) {
        return compile().model(name, backend).compiled();
    }

    /** Through the public API: what a user's program does, from source text to loaded kernels. */
    static Program compile() {
        return Modelc.compile("workloads.model", source());
    }

    /** The seed's batch repeated to {@code rows} rows (15 gives the seed itself). */
    static Map<String, Tensor> regressionData(int rows) {
        float[] x = new float[rows * 3], y = new float[rows * 2];
        for (int i = 0; i < rows; i++) {
            float[] r = SEED[i % SEED.length];
            System.arraycopy(r, 0, x, 3 * i, 3);
            System.arraycopy(r, 3, y, 2 * i, 2);
        }
        return Map.of("x", Tensor.of(x, rows, 3), "y", Tensor.of(y, rows, 2));
    }

    static Map<String, Tensor> regressionParams() {
        return Map.of("w", Tensor.of(W0, 2, 3), "b", Tensor.of(B0, 2));
    }

    /** x uniform in [-3, 3). */
    static float[] smoothInput(int n) {
        Generator g = Generator.of(7, "smooth");
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) g.nextUniform(-3, 3);
        return x;
    }

    static Map<String, Tensor> mlpData(int batch) {
        Generator g = Generator.of(11, "mlp");
        float[] x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) g.nextUniform(0, 1);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = (int) Math.floor(g.nextUniform(0, 10));
        Map<String, Tensor> out = new HashMap<>();
        out.put("x", Tensor.of(x, batch, 784));
        out.put("y", Tensor.of(y, batch));
        return out;
    }

    /** A batch of {@code batch} images {@code f32[batch, 1, 28, 28]}, pixels uniform in [0, 1), and labels 0..9: the conv and CNN workloads' data. */
    static Map<String, Tensor> imageData(int batch) {
        Generator g = Generator.of(13, "images");
        float[] x = new float[batch * 28 * 28];
        for (int i = 0; i < x.length; i++) x[i] = (float) g.nextUniform(0, 1);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = (int) Math.floor(g.nextUniform(0, 10));
        Map<String, Tensor> out = new HashMap<>();
        out.put("x", Tensor.of(x, batch, 1, 28, 28));
        out.put("y", Tensor.of(y, batch));
        return out;
    }

    /** Rows of a row-major f32 tensor, for the hand-written loops. */
    static float[][] rows(Tensor t) {
        int r = t.shape()[0], c = t.shape()[1];
        float[] flat = (float[]) t.to(DType.F32).storage();
        float[][] out = new float[r][c];
        for (int i = 0; i < r; i++) System.arraycopy(flat, i * c, out[i], 0, c);
        return out;
    }
}
