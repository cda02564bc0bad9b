package dev.modelc.runtime;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a tensor the way PyTorch's {@code repr} does with the default print options
 * (precision 4, threshold 1000, edgeitems 3, linewidth 80), following the rules of
 * {@code torch/_tensor_str.py}: one formatter for the whole tensor picks integer mode,
 * fixed or scientific notation and a common width; rows wrap at the line width; tensors of
 * more than 1000 elements are summarised with {@code ...}.
 */
final class TensorFormat {
    static final int PRECISION = 4;
    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {}

    /** The torch name of a dtype, as printed in {@code dtype=...}. */
    static String torchName(DType dtype) {
        return switch (dtype) {
            case F32 -> "torch.float32";
            case F64 -> "torch.float64";
            case I32 -> "torch.int32";
            case BOOL -> "torch.bool";
        };
    }

    static String repr(Tensor t) {
        int indent = PREFIX.length();
        List<String> suffixes = new ArrayList<>();
        String body;
        if (t.numel() == 0) {
            // Like NumPy, the shape is shown unless it is (0,); an empty tensor shows any dtype but the default.
            if (t.rank() != 1) suffixes.add("size=" + pythonTuple(t.shape()));
            if (t.dtype() != DType.F32) suffixes.add("dtype=" + torchName(t.dtype()));
            body = "[]";
        } else {
            // float32, int64 and bool are torch's defaults and are not shown.
            if (t.dtype() == DType.F64 || t.dtype() == DType.I32) suffixes.add("dtype=" + torchName(t.dtype()));
            body = new Printer(t).print(indent);
        }
        return addSuffixes(PREFIX + body, suffixes, indent);
    }

    private static String addSuffixes(String tensorStr, List<String> suffixes, int indent) {
        StringBuilder sb = new StringBuilder(tensorStr);
        // Python's len(s) - s.rfind("\n") + 1, kept with its off-by-two as torch has it.
        int lastLineLen = tensorStr.length() - tensorStr.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    private static String pythonTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    /** Walks one non-empty tensor; holds the formatter chosen from the values that will be shown. */
    private static final class Printer {
        private final Tensor t;
        private final int[] shape;
        private final int[] strides;
        private final boolean summarize;
        private final boolean floating;
        private boolean intMode = true;
        private boolean sciMode = false;
        private int maxWidth = 1;

        Printer(Tensor t) {
            this.t = t;
            this.shape = t.shape();
            this.strides = new int[shape.length];
            for (int d = shape.length - 1, s = 1; d >= 0; d--) {
                strides[d] = s;
                s *= shape[d];
            }
            this.summarize = t.numel() > THRESHOLD;
            this.floating = t.dtype().isFloating();
            List<Integer> shown = new ArrayList<>();
            collect(0, 0, shown);
            chooseFormat(shown);
        }

        /** The flat positions of the elements that will be printed (all, or the summarised corners). */
        private void collect(int dim, int offset, List<Integer> out) {
            if (dim == shape.length) {
                out.add(offset);
                return;
            }
            for (int i : rowsShown(dim)) if (i >= 0) collect(dim + 1, offset + i * strides[dim], out);
        }

        /** The indices shown along {@code dim}, with -1 standing for the {@code ...} between the edges. */
        private int[] rowsShown(int dim) {
            int n = shape[dim];
            if (summarize && n > 2 * EDGE_ITEMS) {
                int[] r = new int[2 * EDGE_ITEMS + 1];
                for (int i = 0; i < EDGE_ITEMS; i++) {
                    r[i] = i;
                    r[EDGE_ITEMS + 1 + i] = n - EDGE_ITEMS + i;
                }
                r[EDGE_ITEMS] = -1;
                return r;
            }
            int[] r = new int[n];
            for (int i = 0; i < n; i++) r[i] = i;
            return r;
        }

        private void chooseFormat(List<Integer> shown) {
            if (!floating) {
                for (int p : shown) maxWidth = Math.max(maxWidth, plain(p).length());
                return;
            }
            List<Double> nonzeroFinite = new ArrayList<>();
            for (int p : shown) {
                double v = t.getDouble(p);
                if (Double.isFinite(v) && v != 0) nonzeroFinite.add(v);
            }
            if (nonzeroFinite.isEmpty()) return;
            double min = Double.POSITIVE_INFINITY, max = 0;
            for (double v : nonzeroFinite) {
                min = Math.min(min, Math.abs(v));
                max = Math.max(max, Math.abs(v));
                if (v != Math.ceil(v)) intMode = false;
            }
            if (intMode) {
                if (max / min > 1000.0 || max > 1.0e8) {
                    sciMode = true;
                    for (double v : nonzeroFinite) maxWidth = Math.max(maxWidth, sci(v).length());
                } else {
                    for (double v : nonzeroFinite) maxWidth = Math.max(maxWidth, fixed(v, 0).length() + 1);
                }
            } else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
                sciMode = true;
                for (double v : nonzeroFinite) maxWidth = Math.max(maxWidth, sci(v).length());
            } else {
                for (double v : nonzeroFinite) maxWidth = Math.max(maxWidth, fixed(v, PRECISION).length());
            }
        }

        private String plain(int p) {
            return switch (t.dtype()) {
                case BOOL -> t.getDouble(p) != 0 ? "True" : "False";
                case I32 -> Integer.toString((int) t.getDouble(p));
                default -> throw new AssertionError(t.dtype());
            };
        }

        private String format(int p) {
            String s;
            if (!floating) {
                s = plain(p);
            } else {
                double v = t.getDouble(p);
                if (sciMode) {
                    s = sci(v);
                } else if (intMode) {
                    s = fixed(v, 0);
                    if (Double.isFinite(v)) s += ".";
                } else {
                    s = fixed(v, PRECISION);
                }
            }
            return s.length() >= maxWidth ? s : " ".repeat(maxWidth - s.length()) + s;
        }

        String print(int indent) {
            return print(0, 0, indent);
        }

        private String print(int dim, int offset, int indent) {
            int rank = shape.length;
            if (dim == rank) return format(offset);
            int[] rows = rowsShown(dim);
            if (dim == rank - 1) {
                // A vector: as many elements per line as fit, each element taking its width plus ", ".
                int perLine = Math.max(1, Math.floorDiv(LINE_WIDTH - indent, maxWidth + 2));
                List<String> items = new ArrayList<>();
                for (int i : rows) items.add(i < 0 ? " ..." : format(offset + i * strides[dim]));
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < items.size(); i += perLine) {
                    lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
                }
                return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
            }
            List<String> slices = new ArrayList<>();
            for (int i : rows) slices.add(i < 0 ? "..." : print(dim + 1, offset + i * strides[dim], indent + 1));
            String sep = "," + "\n".repeat(rank - dim - 1) + " ".repeat(indent + 1);
            return "[" + String.join(sep, slices) + "]";
        }
    }

    /** Python's {@code "{:.Nf}".format(v)}: the exact binary value rounded half-even, "-" kept for negative zero. */
    static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String digits = new BigDecimal(Math.abs(v)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return (negative(v) ? "-" : "") + digits;
    }

    /** Python's {@code "{:.4e}".format(v)}, such as {@code 1.0000e-05}. */
    static String sci(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String sign = negative(v) ? "-" : "";
        if (v == 0) return sign + "0." + "0".repeat(PRECISION) + "e+00";
        BigDecimal r = new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        String unscaled = r.unscaledValue().toString();
        int exponent = unscaled.length() - 1 - r.scale();
        StringBuilder digits = new StringBuilder(unscaled);
        while (digits.length() < PRECISION + 1) digits.append('0');
        int e = Math.abs(exponent);
        return sign + digits.charAt(0) + "." + digits.substring(1, PRECISION + 1)
                + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }

    private static boolean negative(double v) {
        return Double.doubleToRawLongBits(v) < 0;
    }
}
