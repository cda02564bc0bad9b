package dev.modelc.spark;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** A tensor as a broadcast carries it: dtype, shape and the storage array (Tensor itself is not Serializable). */
record ShippedTensor(DType dtype, int[] shape, Object values) implements Serializable {

    static ShippedTensor of(Tensor t) {
        return new ShippedTensor(t.dtype(), t.shape(), t.storage());
    }

    Tensor tensor() {
        return Tensor.wrap(dtype, shape, values);
    }

    /** Bytes of values, for the cost model's broadcast size. */
    long bytes() {
        return (long) Tensor.numel(shape) * dtype.byteSize();
    }

    static Map<String, ShippedTensor> ship(Map<String, Tensor> tensors) {
        Map<String, ShippedTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, of(v)));
        return out;
    }

    static Map<String, Tensor> unship(Map<String, ShippedTensor> shipped) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        shipped.forEach((k, v) -> out.put(k, v.tensor()));
        return out;
    }
}
