package dev.modelc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code modelc eval} prints: one JSON object on one line,
 * {@code {"model": NAME, "outputs": {name: value}, "loss": value or null, "grads": {path: value}}},
 * each value a number or nested arrays of them, row-major like the values file.
 *
 * <p>Numbers are written so they read back exactly: f64 as the shortest decimal that round-trips
 * to the same double, f32 as the shortest one that round-trips to the same float (so
 * {@code 0.1f} prints as {@code 0.1}, not {@code 0.10000000149011612}), i32 as integers and bool
 * as {@code true}/{@code false}. NaN and the infinities are not JSON numbers; they are written as
 * the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} (which Python's
 * {@code float()} and JavaScript's {@code Number()} both read).
 */
final class EvalJson {
    private static final JsonFactory JSON = JsonFactory.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private EvalJson() {
    }

    /** The JSON object for one evaluation (outputs by name, the loss if any, gradients by param path), ending with a newline. */
    static String write(String model, Map<String, Tensor> outputs, Optional<Tensor> loss, Map<String, Tensor> gradients) {
        return write(model, outputs, loss, gradients, Optional.empty());
    }

    /** As above, with {@code "states"} (each state after the training step's rules) when given. */
    static String write(String model, Map<String, Tensor> outputs, Optional<Tensor> loss, Map<String, Tensor> gradients,
                        Optional<Map<String, Tensor>> states) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeFieldName("outputs");
            writeAll(g, outputs);
            g.writeFieldName("loss");
            if (loss.isPresent()) writeTensor(g, loss.get());
            else g.writeNull();
            g.writeFieldName("grads");
            writeAll(g, gradients);
            if (states.isPresent()) {
                g.writeFieldName("states");
                writeAll(g, states.get());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out + "\n";
    }

    private static void writeAll(JsonGenerator g, Map<String, Tensor> tensors) throws IOException {
        g.writeStartObject();
        for (var e : tensors.entrySet()) {
            g.writeFieldName(e.getKey());
            writeTensor(g, e.getValue());
        }
        g.writeEndObject();
    }

    /** A tensor as nested arrays (a scalar as a bare number). */
    static void writeTensor(JsonGenerator g, Tensor t) throws IOException {
        writeAxis(g, t, t.shape(), 0, 0);
    }

    /** Writes the block of axis {@code axis} starting at row-major position {@code offset}. */
    private static void writeAxis(JsonGenerator g, Tensor t, int[] shape, int axis, int offset) throws IOException {
        if (axis == shape.length) {
            writeElement(g, t, offset);
            return;
        }
        int stride = 1;
        for (int i = axis + 1; i < shape.length; i++) stride *= shape[i];
        g.writeStartArray();
        for (int i = 0; i < shape[axis]; i++) writeAxis(g, t, shape, axis + 1, offset + i * stride);
        g.writeEndArray();
    }

    private static void writeElement(JsonGenerator g, Tensor t, int index) throws IOException {
        double v = t.getDouble(index);
        switch (t.dtype()) {
            case BOOL -> g.writeBoolean(v != 0);
            case I32 -> g.writeNumber((int) v);
            case F32, F64 -> {
                if (Double.isNaN(v)) g.writeString("NaN");
                else if (Double.isInfinite(v)) g.writeString(v > 0 ? "Infinity" : "-Infinity");
                else if (t.dtype() == dev.modelc.runtime.DType.F32) g.writeNumber((float) v);
                else g.writeNumber(v);
            }
        }
    }
}
