package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code --data} makes of IDX files: which names are IDX, the values, their dtype and shape. */
class DataArgsIdxTest {
    @TempDir
    Path dir;

    private static final byte[] IMAGES = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2,
            (byte) 255, 0, 51, 1, 0, (byte) 128, 0, 2};
    private static final byte[] LABELS = {0, 0, 8, 1, 0, 0, 0, 2, 7, 3};

    private Map<String, Tensor> load(String declared, DType floating) throws Exception {
        return load(declared, floating, false);
    }

    /** {@code ahead}: the files read on {@link DataPrefetch}'s thread, every file of unsigned bytes kept scaled to f32. */
    private Map<String, Tensor> load(String declared, DType floating, boolean ahead) throws Exception {
        Files.write(dir.resolve("x-idx3-ubyte"), IMAGES);
        Files.write(dir.resolve("y-idx1-ubyte"), LABELS);
        CompiledModel m = Modelc.compile("m.model", "model M {\n  input x: " + declared + "\n  input y: i32[N]\n"
                + "  param w: f32[] = zeros()\n  loss = mean(f32(y)) * sum(x) * w\n}\n").model("M").compiled();
        List<DataArgs.Source> sources = List.of(DataArgs.parse("x=" + dir.resolve("x-idx3-ubyte")),
                DataArgs.parse("y=" + dir.resolve("y-idx1-ubyte")));
        PrintWriter err = new PrintWriter(new StringWriter());
        return ahead
                ? DataArgs.load(m, sources, List.of("x", "y"), floating, "the loss", err, DataPrefetch.start(sources, 1))
                : DataArgs.load(m, sources, List.of("x", "y"), floating, "the loss", err);
    }

    @Test
    void readAheadGivesTheSameValuesInEveryDtype() throws Exception {
        Files.write(dir.resolve("x-idx3-ubyte"), IMAGES);
        DataArgs.Source images = DataArgs.parse("x=" + dir.resolve("x-idx3-ubyte"));
        assertTrue(DataPrefetch.start(List.of(images), 1).idx(images).scaledF32(), "small files are scaled ahead when asked");
        assertTrue(!DataPrefetch.start(List.of(images)).idx(images).scaledF32(), "8 pixels are fewer than SCALE_AHEAD");
        // The labels file is unsigned bytes too: read ahead as f32, they come back as the same ints.
        for (DType floating : new DType[] {null, DType.F64}) {
            Map<String, Tensor> here = load("f32[N, 2, 2]", floating, false), ahead = load("f32[N, 2, 2]", floating, true);
            assertEquals(here.get("x").dtype(), ahead.get("x").dtype());
            assertEquals(here.get("x").toString(), ahead.get("x").toString());
            assertArrayEquals(here.get("x").toDoubleArray(), ahead.get("x").toDoubleArray(), 0.0);
            assertArrayEquals((int[]) here.get("y").storage(), (int[]) ahead.get("y").storage());
        }
        assertArrayEquals(new float[] {1f, 0f, 51 / 255f, 1 / 255f, 0f, 128 / 255f, 0f, 2 / 255f},
                (float[]) load("f32[N, 2, 2]", null, true).get("x").storage());
    }

    @Test
    void pixelsBecomeTheUnitIntervalAndLabelsStayWhole() throws Exception {
        Map<String, Tensor> f32 = load("f32[N, 2, 2]", null);
        assertEquals(DType.F32, f32.get("x").dtype());
        assertArrayEquals(new float[] {1f, 0f, 51 / 255f, 1 / 255f, 0f, 128 / 255f, 0f, 2 / 255f}, (float[]) f32.get("x").storage());
        assertArrayEquals(new int[] {7, 3}, (int[]) f32.get("y").storage());
        Map<String, Tensor> f64 = load("f32[N, 2, 2]", DType.F64);
        assertArrayEquals(new double[] {1, 0, 51 / 255.0, 1 / 255.0, 0, 128 / 255.0, 0, 2 / 255.0}, (double[]) f64.get("x").storage());
    }

    @Test
    void rowsFillAnyShapeWithTheSameValuesPerRow() throws Exception {
        assertArrayEquals(new int[] {2, 4}, load("f32[N, 4]", null).get("x").shape());
        assertArrayEquals(new int[] {2, 1, 2, 2}, load("f32[N, 1, 2, 2]", null).get("x").shape());
        UserError e = assertThrows(UserError.class, () -> load("f32[N, 3]", null));
        assertTrue(e.report.contains("input 'x' is f32[N, 3], but") && e.report.contains("gives f32[2, 2, 2]"), e.report);
    }

    @Test
    void idxIsRecognizedByTheNamesDataSetsUse() throws Exception {
        for (String name : List.of("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte", "data.idx", "DATA.IDX.GZ", "x-idx2-float")) {
            assertEquals(DataArgs.Format.IDX, DataArgs.parse("x=" + name).format(), name);
        }
        UserError e = assertThrows(UserError.class, () -> DataArgs.parse("x=images.bin"));
        assertTrue(e.report.contains("an IDX file (name.idx, train-images-idx3-ubyte, either gzipped)"), e.report);
    }
}
