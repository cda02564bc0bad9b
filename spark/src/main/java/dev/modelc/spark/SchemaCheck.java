package dev.modelc.spark;

import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The model's inputs against a DataFrame's schema, on the driver and before any job: every input
 * the loss needs has its columns, each column's type can hold the input's dtype, and the columns
 * give the input's row shape. Every refusal names the input, the column and both types.
 */
final class SchemaCheck {
    private SchemaCheck() {
    }

    /**
     * The columns of each input in {@code inputs} (the model's specs of the inputs the loss uses),
     * from {@code mapping} (input to column names; an input not in it reads the column of its own
     * name).
     *
     * @throws SparkTrainingException for the first input whose columns do not fit
     */
    static List<InputColumn> columns(String model, List<TensorSpec> inputs, Map<String, List<String>> mapping, StructType schema) {
        for (String named : mapping.keySet()) {
            if (inputs.stream().noneMatch(s -> s.name().equals(named))) {
                throw new SparkTrainingException("columns are given for input '" + named + "', but the loss of " + model
                        + " uses no such input; it uses " + inputs.stream().map(TensorSpec::name).toList());
            }
        }
        List<InputColumn> out = new ArrayList<>();
        for (TensorSpec spec : inputs) {
            String declared = spec.dtype().spelling() + spec.dims();
            if (spec.dims().isEmpty() || spec.dims().getFirst() instanceof Size.Fixed) {
                throw new SparkTrainingException("input '" + spec.name() + "' of " + model + " is " + declared
                        + ": training on Spark splits every input into rows along a first axis of symbolic size (such as N)");
            }
            int[] rowShape = new int[spec.dims().size() - 1];
            for (int i = 1; i < spec.dims().size(); i++) {
                if (!(spec.dims().get(i) instanceof Size.Fixed f) || f.value() > Integer.MAX_VALUE) {
                    throw new SparkTrainingException("input '" + spec.name() + "' of " + model + " is " + declared
                            + ": a DataFrame row gives a fixed number of values, so every axis after the first needs a fixed size");
                }
                rowShape[i - 1] = (int) f.value();
            }
            List<String> names = mapping.getOrDefault(spec.name(), List.of(spec.name()));
            if (names.isEmpty()) throw new SparkTrainingException("no columns are given for input '" + spec.name() + "'");
            for (String c : names) {
                if (!Arrays.asList(schema.fieldNames()).contains(c)) {
                    throw new SparkTrainingException("input '" + spec.name() + "' of " + model + " reads column '" + c
                            + "', which the data does not have; its columns are " + Arrays.toString(schema.fieldNames()));
                }
            }
            InputColumn ic = new InputColumn(spec.name(), spec.dtype(), rowShape, names, false);
            if (names.size() == 1 && schema.apply(names.getFirst()).dataType() instanceof ArrayType a) {
                accept(ic, schema.apply(names.getFirst()), a.elementType(), spec.dims().getFirst());
                out.add(new InputColumn(spec.name(), spec.dtype(), rowShape, names, true));
                continue;
            }
            if (names.size() != ic.rowSize()) {
                throw new SparkTrainingException("input '" + spec.name() + "' of " + model + " is " + ic.type(spec.dims().getFirst().toString())
                        + ", " + ic.rowSize() + (ic.rowSize() == 1 ? " value" : " values") + " a row, but " + names.size()
                        + (names.size() == 1 ? " column is" : " columns are") + " given " + names
                        + "; give one numeric column per value, or one array column");
            }
            for (String c : names) accept(ic, schema.apply(c), schema.apply(c).dataType(), spec.dims().getFirst());
            out.add(ic);
        }
        return out;
    }

    /** Refuses a column whose (element) type cannot hold the input's dtype without loss. */
    private static void accept(InputColumn ic, StructField field, DataType type, Size rows) {
        boolean ok = switch (ic.dtype()) {
            case F32, F64 -> type instanceof FloatType || type instanceof DoubleType || integral(type) || type instanceof LongType;
            case I32 -> integral(type);
            case BOOL -> type instanceof BooleanType;
        };
        if (ok) return;
        String columnType = field.dataType().simpleString();
        String wanted = switch (ic.dtype()) {
            case F32, F64 -> "a numeric column";
            case I32 -> "an integer column (tinyint, smallint or int)";
            case BOOL -> "a boolean column";
        };
        throw new SparkTrainingException("column '" + field.name() + "' is " + columnType + ", but input '" + ic.input() + "' is "
                + ic.type(rows.toString()) + ": it needs " + wanted + (field.dataType() instanceof ArrayType ? " of arrays" : ""));
    }

    private static boolean integral(DataType t) {
        return t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType;
    }
}
