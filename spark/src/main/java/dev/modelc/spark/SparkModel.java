package dev.modelc.spark;

import dev.modelc.runtime.DType;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A model as Spark ships it: the {@code .model} source text, the file name its diagnostics print,
 * the model's name and the floating dtype to train in (null: as declared). This, never a compiled
 * model, is what goes into a broadcast; each executor compiles it once ({@link ExecutorModels}).
 */
public record SparkModel(String fileName, String source, String modelName, DType floating) implements Serializable {
    public SparkModel {
        Objects.requireNonNull(fileName, "fileName == null");
        Objects.requireNonNull(source, "source == null");
        Objects.requireNonNull(modelName, "modelName == null");
        if (floating != null && !floating.isFloating()) throw new IllegalArgumentException("floating dtype is f32 or f64, not " + floating);
    }

    /** The model {@code modelName} of the file {@code file}, in its declared dtypes. */
    public static SparkModel of(Path file, String modelName) throws IOException {
        return new SparkModel(file.toString(), Files.readString(file, StandardCharsets.UTF_8), modelName, null);
    }

    /** This model, trained in {@code dtype} whatever it declares (null: as declared), as {@code modelc train --dtype}. */
    public SparkModel in(DType dtype) {
        return new SparkModel(fileName, source, modelName, dtype);
    }

    /** The dtype a value declared {@code declared} has in training: the floating dtype trained in, for floating values. */
    public DType trainedAs(DType declared) {
        return floating != null && declared.isFloating() ? floating : declared;
    }

    /** A SHA-256 of everything that decides the compiled model: the key of the executors' cache. */
    public String contentHash() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {fileName, modelName, floating == null ? "" : floating.spelling(), source}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                d.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII)); // length-prefixed: no two splits collide
                d.update((byte) ':');
                d.update(bytes);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
