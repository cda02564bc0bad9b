package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link EvalJson}: how each dtype and odd shape is written. */
class EvalJsonTest {

    private static String write(Map<String, Tensor> outputs, Tensor loss, Map<String, Tensor> grads) {
        return EvalJson.write("M", outputs, Optional.ofNullable(loss), grads);
    }

    @Test
    void eachDTypeIsWrittenAsItself() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("f64", Tensor.of(DType.F64, new int[] {3}, new double[] {0.1, 1e-300, -2}));
        out.put("f32", Tensor.of(DType.F32, new int[] {2}, new double[] {0.1, 1.0 / 3}));
        out.put("i32", Tensor.of(DType.I32, new int[] {2}, new double[] {-7, 2147483647}));
        out.put("bool", Tensor.of(DType.BOOL, new int[] {2}, new double[] {1, 0}));
        assertEquals("{\"model\":\"M\",\"outputs\":{\"f64\":[0.1,1.0E-300,-2.0],\"f32\":[0.1,0.33333334],"
                + "\"i32\":[-7,2147483647],\"bool\":[true,false]},\"loss\":null,\"grads\":{}}\n", write(out, null, Map.of()));
    }

    @Test
    void nonFiniteNumbersAreStrings() {
        Tensor t = Tensor.of(DType.F64, new int[] {3}, new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        Tensor f = Tensor.of(DType.F32, new int[0], new double[] {Double.NaN});
        assertEquals("{\"model\":\"M\",\"outputs\":{\"t\":[\"NaN\",\"Infinity\",\"-Infinity\"]},\"loss\":\"NaN\",\"grads\":{}}\n",
                write(Map.of("t", t), f, Map.of()));
    }

    @Test
    void shapesNestRowMajorAndEmptyAxesStayArrays() {
        Tensor m = Tensor.of(DType.I32, new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        Tensor cube = Tensor.of(DType.I32, new int[] {2, 1, 2}, new double[] {1, 2, 3, 4});
        Tensor empty = Tensor.of(DType.F64, new int[] {2, 0}, new double[0]);
        Tensor scalar = Tensor.scalar(DType.F64, 2.5);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("m", m);
        out.put("cube", cube);
        out.put("empty", empty);
        assertEquals("{\"model\":\"M\",\"outputs\":{\"m\":[[1,2,3],[4,5,6]],\"cube\":[[[1,2]],[[3,4]]],\"empty\":[[],[]]},"
                + "\"loss\":2.5,\"grads\":{\"w\":[[1,2,3],[4,5,6]]}}\n", write(out, scalar, Map.of("w", m)));
    }
}
