package dev.modelc.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;

/**
 * The values of the input columns, checked in one aggregation over the data before the first
 * step: no nulls (in a column or inside an array), every array of its input's row size, and,
 * unless allowed, no NaN or infinities (as the local trainer refuses them).
 */
final class DataCheck {
    private DataCheck() {
    }

    /** One count per condition, with the message it gives when not zero ({@code %d}: the count). */
    private record Condition(Column count, String message) {
    }

    /** Returns the number of rows; throws {@link SparkTrainingException} for the first condition that holds in some row. */
    static long check(Dataset<Row> data, List<InputColumn> inputs, boolean allowNonFinite) {
        StructType schema = data.schema();
        List<Condition> conditions = new ArrayList<>();
        for (InputColumn ic : inputs) {
            for (String c : ic.columns()) {
                Column v = col(quoted(c));
                String where = "column '" + c + "' (input '" + ic.input() + "')";
                conditions.add(new Condition(rows(v.isNull()), where + " holds null in %d of %d rows; training needs a value in every row"));
                if (ic.array()) {
                    conditions.add(new Condition(rows(v.isNotNull().and(size(v).notEqual(lit(ic.rowSize())))),
                            where + " has arrays of another size than " + ic.rowSize() + " (the values of a row of "
                                    + ic.type("N") + ") in %d of %d rows"));
                    conditions.add(new Condition(rows(exists(v, Column::isNull)), where + " has arrays holding null in %d of %d rows"));
                    if (!allowNonFinite && floating(((ArrayType) schema.apply(c).dataType()).elementType())) {
                        conditions.add(new Condition(rows(exists(v, DataCheck::nonFinite)),
                                where + " has NaN or infinities in %d of %d rows; training needs finite data"));
                    }
                } else if (!allowNonFinite && floating(schema.apply(c).dataType())) {
                    conditions.add(new Condition(rows(nonFinite(v)), where + " holds NaN or infinities in %d of %d rows; training needs finite data"));
                }
            }
        }
        List<Column> counts = new ArrayList<>();
        counts.add(count(lit(1)));
        for (Condition c : conditions) counts.add(c.count());
        Row r = data.agg(counts.getFirst(), counts.subList(1, counts.size()).toArray(Column[]::new)).first();
        long rows = r.getLong(0);
        for (int i = 0; i < conditions.size(); i++) {
            long bad = r.isNullAt(i + 1) ? 0 : r.getLong(i + 1);
            if (bad > 0) throw new SparkTrainingException(conditions.get(i).message().formatted(bad, rows));
        }
        return rows;
    }

    /** The number of rows where {@code condition} holds (null counts as not). */
    private static Column rows(Column condition) {
        return sum(when(condition, 1L).otherwise(0L));
    }

    private static Column nonFinite(Column v) {
        return isnan(v).or(v.equalTo(lit(Double.POSITIVE_INFINITY))).or(v.equalTo(lit(Double.NEGATIVE_INFINITY)));
    }

    private static boolean floating(org.apache.spark.sql.types.DataType t) {
        return t instanceof FloatType || t instanceof DoubleType;
    }

    /** A column name as Spark's resolver reads it literally (dots and spaces included). */
    static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
