package dev.modelc.cuda;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.train.TrainingListener;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the device training tests compare bit for bit: every batch's loss, and every value of a map of tensors. */
final class TrainingBits {
    private TrainingBits() {
    }

    /** A listener that adds each batch's loss to {@code losses}. */
    static TrainingListener recording(List<Double> losses) {
        return new TrainingListener() {
            @Override
            public void batch(int epoch, int batch, double loss) {
                losses.add(loss);
            }
        };
    }

    /** Every value's bits, by name: equality of these is equality bit for bit (NaN payloads and -0 included). */
    static Map<String, List<Long>> bits(Map<String, Tensor> tensors) {
        Map<String, List<Long>> out = new TreeMap<>();
        tensors.forEach((k, t) -> out.put(k + " " + t.dtype() + Arrays.toString(t.shape()),
                Arrays.stream(t.toDoubleArray()).mapToObj(Double::doubleToRawLongBits).toList()));
        return out;
    }
}
