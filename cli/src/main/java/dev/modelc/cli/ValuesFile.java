package dev.modelc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON file of named values, {@code {"x": [[1, 2], [3, 4]], "lr": 0.1}}: each a number or a
 * rectangular nested array of numbers (booleans read as 0 and 1). Mistakes become diagnostics
 * pointing into the file.
 */
final class ValuesFile {
    /** One named value: row-major numbers, its shape, where its name was written ({@code at}) and the value itself ({@code valueAt}). */
    record Value(String name, double[] values, int[] shape, Span at, Span valueAt) {
    }

    /** A mistake in the file, as a diagnostic. */
    static final class Invalid extends Exception {
        final Diagnostic diagnostic;

        Invalid(Diagnostic d) {
            super(d.message(), null, false, false);
            this.diagnostic = d;
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private ValuesFile() {
    }

    static Map<String, Value> parse(SourceFile source) throws Invalid {
        Map<String, Value> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(source.text())) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw invalid(source, p.currentTokenLocation(), "expected a JSON object of named values, found "
                        + describe(t), "for example {\"x\": [[1, 2], [3, 4]]}");
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonLocation at = p.currentTokenLocation();
                p.nextToken();
                JsonLocation valueStart = p.currentTokenLocation();
                List<Double> values = new ArrayList<>();
                int[] shape = shapeOf(source, p, values);
                Span span = span(source, at, name.length() + 2);
                Span valueSpan = span(source, valueStart, 1);
                int valueEnd = offset(source, p.currentLocation());
                if (valueEnd > valueSpan.start()) valueSpan = new Span(source, valueSpan.start(), valueEnd);
                Value value = new Value(name, values.stream().mapToDouble(Double::doubleValue).toArray(), shape, span, valueSpan);
                if (out.putIfAbsent(name, value) != null) {
                    throw new Invalid(Diagnostic.error(span, "'" + name + "' is given twice"));
                }
            }
            if (t != JsonToken.END_OBJECT) throw invalid(source, p.currentTokenLocation(), "expected a name or '}', found " + describe(t));
            if (p.nextToken() != null) throw invalid(source, p.currentTokenLocation(), "unexpected text after the JSON object");
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw invalid(source, loc, "malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new Invalid(Diagnostic.error(new Span(source, 0, 0), "cannot read " + source.name() + ": " + e.getMessage()));
        }
        return out;
    }

    /** Reads one value (the parser is on its first token) into {@code values}; returns its shape. */
    private static int[] shapeOf(SourceFile source, JsonParser p, List<Double> values) throws IOException, Invalid {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                values.add(p.getDoubleValue());
                return new int[0];
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                values.add(t == JsonToken.VALUE_TRUE ? 1.0 : 0.0);
                return new int[0];
            }
            case START_ARRAY -> {
                int[] inner = null;
                int count = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    JsonLocation at = p.currentTokenLocation();
                    int[] s = shapeOf(source, p, values);
                    if (inner == null) inner = s;
                    else if (!Arrays.equals(inner, s)) {
                        throw invalid(source, at, "ragged array: element " + count + " has shape " + Arrays.toString(s)
                                + " but element 0 has shape " + Arrays.toString(inner), "every row needs the same length");
                    }
                    count++;
                }
                if (inner == null) inner = new int[0];
                int[] shape = new int[inner.length + 1];
                shape[0] = count;
                System.arraycopy(inner, 0, shape, 1, inner.length);
                return shape;
            }
            default -> throw invalid(source, p.currentTokenLocation(), "expected a number or an array of numbers, found " + describe(t));
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) return "end of file";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NULL -> "null";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> t.asString() != null ? "'" + t.asString() + "'" : t.name().toLowerCase();
        };
    }

    private static Invalid invalid(SourceFile source, JsonLocation loc, String message, String... notes) {
        return new Invalid(Diagnostic.error(span(source, loc, 1), message, notes));
    }

    /** The span at a parser location (1-based line and column, as Jackson counts them). */
    private static Span span(SourceFile source, JsonLocation loc, int length) {
        int start = offset(source, loc);
        return new Span(source, start, Math.min(start + length, source.length()));
    }

    /** The offset of a parser location in the file (0 when it has none). */
    private static int offset(SourceFile source, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) return 0;
        int line = Math.min(loc.getLineNr(), source.line(source.length()));
        return Math.min(source.lineStart(line) + Math.max(0, loc.getColumnNr() - 1), source.length());
    }
}
