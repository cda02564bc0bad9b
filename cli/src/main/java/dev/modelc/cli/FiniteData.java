package dev.modelc.cli;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.train.NonFinite;
import java.util.List;
import java.util.Map;

/**
 * Training data must be finite: a NaN or an infinity in one row makes every loss after it NaN,
 * which would read as a diverged run. Checked once, on load, naming the input, the file, the
 * first bad row and its column.
 */
final class FiniteData {
    private FiniteData() {
    }

    /** Refuses the first NaN or infinity in {@code columns}, by the {@code --data} source it came from. */
    static void check(Map<String, Tensor> columns, List<DataArgs.Source> sources) throws UserError {
        for (DataArgs.Source s : sources) {
            Tensor t = columns.get(s.input());
            if (t == null) continue;
            int i = NonFinite.first(t);
            if (i < 0) continue;
            int perRow = t.rank() == 0 || t.size(0) == 0 ? 1 : t.numel() / t.size(0);
            int row = i / perRow;
            String at = s.csv()
                    ? "data row " + (row + 1) + ", column '" + s.columns().get(i % perRow % s.columns().size()) + "'"
                    : "row " + row + " (index " + NonFinite.index(t.shape(), i) + ")";
            throw UserError.line(s.describe() + ": " + s.file() + " has " + NonFinite.spell(t.getDouble(i)) + " at " + at
                    + " of input '" + s.input() + "'; training needs finite data (fix or drop that row, or add --allow-non-finite)");
        }
    }
}
