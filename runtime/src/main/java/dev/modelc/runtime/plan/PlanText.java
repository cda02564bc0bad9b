package dev.modelc.runtime.plan;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.Convolution;
import dev.modelc.runtime.exec.MaxPool;
import dev.modelc.runtime.model.Size;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Plan} as text, one line per buffer, step, result and limit, and back: how generated
 * Java classes carry their plans (a string constant read once when the class loads), and a form
 * to read in tests and bug reports. {@code read(write(p))} equals {@code p} field for field.
 *
 * <pre>
 * plan CropYield.forward
 * symbols N
 * slots 1
 * buffer 0 input x f32 [N, 3]
 * buffer 3 temporary t5 f32 [N, 2] slot 0
 * loop k0 kernel 0 buffers 0 1 2 3 writes 3 elements 2*N range N inner 1 lets 22 0
 * result preds output 3 [N, 2]
 * limit [N*M] coefs extents what m.model:3: the number of elements of a value of shape [N, M]
 * </pre>
 *
 * Sizes are written as {@link Size#toString} writes them and read by {@link Size#parse}; numbers
 * as {@link Double#toString} writes them, which reads back to the same bits.
 */
public final class PlanText {
    private PlanText() {
    }

    public static String write(Plan p) {
        StringBuilder out = new StringBuilder();
        out.append("plan ").append(escape(p.name())).append('\n');
        out.append("symbols");
        for (String s : p.symbols()) out.append(' ').append(s);
        out.append('\n');
        out.append("slots ").append(p.slots()).append('\n');
        for (Plan.Buffer b : p.buffers()) {
            out.append("buffer ").append(b.id()).append(' ').append(lower(b.kind())).append(' ').append(b.name()).append(' ')
                    .append(b.dtype().spelling()).append(' ').append(b.declared());
            if (b.slot() >= 0) out.append(" slot ").append(b.slot());
            if (b.witness()) out.append(" witness");
            if (b.values() != null) {
                out.append(" values");
                for (double v : b.values()) out.append(' ').append(v);
            }
            out.append('\n');
        }
        for (Step s : p.steps()) {
            switch (s) {
                case Step.Loop l -> out.append("loop ").append(l.name()).append(" kernel ").append(l.kernel()).append(" buffers")
                        .append(ints(l.buffers())).append(" writes ").append(l.writes()).append(" elements ").append(word(l.elements()))
                        .append(" range ").append(word(l.range())).append(" inner ").append(word(l.inner())).append(" lets ")
                        .append(l.lets()).append(' ').append(l.reductionLets()).append(l.split() ? " split" : "")
                        .append(l.partials() > 1 ? " partials " + l.partials() : "");
                case Step.MatMul m -> out.append("matmul ").append(m.name()).append(' ').append(m.a()).append(' ').append(m.b())
                        .append(' ').append(m.out()).append(' ').append(List.of(m.batch(), m.n(), m.k(), m.m())).append(' ')
                        .append(m.transA()).append(' ').append(m.transB()).append(' ').append(m.dtype().spelling());
                case Step.Call c -> {
                    out.append("call ").append(c.name()).append(" inputs").append(ints(c.inputs())).append(" out ").append(c.out())
                            .append(' ').append(c.outShape());
                    for (List<SizeExpr> shape : c.inputShapes()) out.append(' ').append(shape);
                    out.append(" : ").append(call(c.call()));
                }
            }
            out.append('\n');
        }
        for (Plan.Result r : p.results()) {
            out.append("result ").append(lower(r.role())).append(' ').append(r.buffer()).append(' ').append(r.shape()).append(' ')
                    .append(escape(r.name())).append('\n');
        }
        for (Plan.Limit l : p.limits()) {
            out.append("limit ").append(List.of(l.offset())).append(' ').append(l.coefs()).append(' ').append(l.extents())
                    .append(' ').append(escape(l.what())).append('\n');
        }
        for (Plan.Window w : p.windows()) {
            out.append("window ").append(w.axis()).append(' ').append(List.of(w.start(), w.length(), w.size())).append(' ')
                    .append(w.step()).append(' ').append(escape(w.what())).append('\n');
        }
        for (Plan.Requirement q : p.requirements()) {
            out.append("require ").append(q.atLeast()).append(' ').append(List.of(q.count())).append(' ').append(q.shape()).append(' ')
                    .append(escape(q.what())).append('\n');
        }
        return out.toString();
    }

    private static String call(LibraryCall c) {
        return switch (c) {
            case LibraryCall.Softmax s -> "softmax " + s.axis() + " " + s.log();
            case LibraryCall.LogSumExp l -> "logsumexp" + ints(l.axes());
            case LibraryCall.ArgReduce a -> "argreduce " + a.max() + " " + a.axis();
            case LibraryCall.Pad p -> "pad " + p.starts() + longs(p.steps());
            case LibraryCall.Concat cat -> "concat " + cat.axis();
            case LibraryCall.OneHot o -> "one_hot " + o.classes();
            case LibraryCall.IndexSelect i -> "index_select " + escape(i.what());
            case LibraryCall.IndexAdd i -> "index_add " + escape(i.what());
            case LibraryCall.Gather g -> "gather " + g.axis() + " " + escape(g.what());
            case LibraryCall.ScatterAdd a -> "scatter_add " + a.axis() + " " + escape(a.what());
            case LibraryCall.Random r -> "random " + r.normal() + " " + r.a() + " " + r.b() + " " + escape(r.stream());
            case LibraryCall.Conv cv -> conv(cv.conv());
            case LibraryCall.Draw d -> "draw " + d.normal() + " " + d.site();
            case LibraryCall.MaxPool m -> maxPool(m.pool());
        };
    }

    /**
     * Reads what {@link #write} wrote; {@code parts} are joined first (a generated class passes a
     * long plan in parts, since a class file holds no string constant past 65,535 bytes).
     */
    public static Plan read(String... parts) {
        String text = String.join("", parts);
        Reader r = new Reader(text);
        String name = unescape(r.line("plan ").rest());
        List<String> symbols = List.of(r.line("symbols").rest().split(" ")).stream().filter(s -> !s.isEmpty()).toList();
        int slots = Integer.parseInt(r.line("slots ").rest());
        List<Plan.Buffer> buffers = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        List<Plan.Result> results = new ArrayList<>();
        List<Plan.Limit> limits = new ArrayList<>();
        List<Plan.Window> windows = new ArrayList<>();
        List<Plan.Requirement> requirements = new ArrayList<>();
        while (r.more()) {
            Line l = r.next();
            switch (l.word()) {
                case "buffer" -> {
                    int id = l.integer();
                    Plan.Kind kind = Plan.Kind.valueOf(l.word().toUpperCase(Locale.ROOT));
                    String bname = l.word();
                    DType dtype = DType.bySpelling(l.word());
                    List<Size> declared = l.sizes();
                    int slot = -1;
                    boolean witness = false;
                    double[] values = null;
                    while (!l.done()) {
                        switch (l.word()) {
                            case "slot" -> slot = l.integer();
                            case "witness" -> witness = true;
                            case "values" -> values = Arrays.stream(l.rest().split(" ")).filter(s -> !s.isEmpty())
                                    .mapToDouble(Double::parseDouble).toArray();
                            default -> throw l.bad();
                        }
                    }
                    if (kind == Plan.Kind.CONSTANT && values == null) values = new double[0];
                    buffers.add(new Plan.Buffer(id, bname, kind, dtype, declared, exprs(declared, symbols), slot, values, witness));
                }
                case "loop" -> {
                    String sname = l.word();
                    l.expect("kernel");
                    int kernel = l.integer();
                    l.expect("buffers");
                    List<Integer> ids = new ArrayList<>();
                    while (!l.peek().equals("writes")) ids.add(l.integer());
                    l.expect("writes");
                    int writes = l.integer();
                    l.expect("elements");
                    SizeExpr elements = expr(l.word(), symbols);
                    l.expect("range");
                    SizeExpr range = expr(l.word(), symbols);
                    l.expect("inner");
                    SizeExpr inner = expr(l.word(), symbols);
                    l.expect("lets");
                    int lets = l.integer(), reductionLets = l.integer();
                    boolean split = !l.done() && l.word().equals("split");
                    int partials = 1;
                    if (!l.done()) {
                        l.expect("partials");
                        partials = l.integer();
                    }
                    steps.add(new Step.Loop(sname, kernel, ids.stream().mapToInt(Integer::intValue).toArray(), writes, elements, range,
                            inner, lets, reductionLets, split, partials));
                }
                case "matmul" -> {
                    String sname = l.word();
                    int a = l.integer(), b = l.integer(), out = l.integer();
                    List<SizeExpr> sizes = exprs(l.sizes(), symbols);
                    boolean ta = Boolean.parseBoolean(l.word()), tb = Boolean.parseBoolean(l.word());
                    steps.add(new Step.MatMul(sname, a, b, out, sizes.get(0), sizes.get(1), sizes.get(2), sizes.get(3), ta, tb,
                            DType.bySpelling(l.word())));
                }
                case "call" -> {
                    String sname = l.word();
                    l.expect("inputs");
                    List<Integer> ids = new ArrayList<>();
                    while (!l.peek().equals("out")) ids.add(l.integer());
                    l.expect("out");
                    int out = l.integer();
                    List<SizeExpr> outShape = exprs(l.sizes(), symbols);
                    List<List<SizeExpr>> shapes = new ArrayList<>();
                    while (!l.peek().equals(":")) shapes.add(exprs(l.sizes(), symbols));
                    l.expect(":");
                    steps.add(new Step.Call(sname, libraryCall(l, symbols), ids.stream().mapToInt(Integer::intValue).toArray(), shapes,
                            out, outShape));
                }
                case "result" -> {
                    Plan.Role role = Plan.Role.valueOf(l.word().toUpperCase(Locale.ROOT));
                    int buffer = l.integer();
                    List<SizeExpr> shape = exprs(l.sizes(), symbols);
                    results.add(new Plan.Result(unescape(l.rest()), role, buffer, shape));
                }
                case "limit" -> {
                    SizeExpr offset = exprs(l.sizes(), symbols).getFirst();
                    List<SizeExpr> coefs = exprs(l.sizes(), symbols), extents = exprs(l.sizes(), symbols);
                    limits.add(new Plan.Limit(unescape(l.rest()), offset, coefs, extents));
                }
                case "window" -> {
                    int axis = l.integer();
                    List<SizeExpr> sizes = exprs(l.sizes(), symbols);
                    long step = Long.parseLong(l.word());
                    windows.add(new Plan.Window(unescape(l.rest()), axis, sizes.get(0), step, sizes.get(1), sizes.get(2)));
                }
                case "require" -> {
                    long atLeast = Long.parseLong(l.word());
                    SizeExpr count = exprs(l.sizes(), symbols).getFirst();
                    List<SizeExpr> shape = exprs(l.sizes(), symbols);
                    requirements.add(new Plan.Requirement(unescape(l.rest()), count, atLeast, shape));
                }
                default -> throw l.bad();
            }
        }
        return new Plan(name, symbols, buffers, slots, steps, results, limits, windows, requirements);
    }

    private static LibraryCall libraryCall(Line l, List<String> symbols) {
        String word = l.word();
        return switch (word) {
            case "softmax" -> new LibraryCall.Softmax(l.integer(), Boolean.parseBoolean(l.word()));
            case "logsumexp" -> {
                List<Integer> axes = new ArrayList<>();
                while (!l.done()) axes.add(l.integer());
                yield new LibraryCall.LogSumExp(axes.stream().mapToInt(Integer::intValue).toArray());
            }
            case "argreduce" -> new LibraryCall.ArgReduce(Boolean.parseBoolean(l.word()), l.integer());
            case "pad" -> {
                List<SizeExpr> starts = exprs(l.sizes(), symbols);
                List<Long> steps = new ArrayList<>();
                while (!l.done()) steps.add(Long.parseLong(l.word()));
                yield new LibraryCall.Pad(starts, steps.stream().mapToLong(Long::longValue).toArray());
            }
            case "concat" -> new LibraryCall.Concat(l.integer());
            case "one_hot" -> new LibraryCall.OneHot(Long.parseLong(l.word()));
            case "index_select" -> new LibraryCall.IndexSelect(unescape(l.rest()));
            case "index_add" -> new LibraryCall.IndexAdd(unescape(l.rest()));
            case "gather" -> new LibraryCall.Gather(l.integer(), unescape(l.rest()));
            case "scatter_add" -> new LibraryCall.ScatterAdd(l.integer(), unescape(l.rest()));
            case "random" -> new LibraryCall.Random(Boolean.parseBoolean(l.word()), Double.parseDouble(l.word()),
                    Double.parseDouble(l.word()), unescape(l.rest()));
            case "conv", "conv_input_grad", "conv_weight_grad" -> conv(Convolution.Kind.of(word), l);
            case "draw" -> new LibraryCall.Draw(Boolean.parseBoolean(l.word()), l.integer());
            case "max_pool", "max_pool_scatter", "max_pool_select" -> maxPool(MaxPool.Kind.of(word), l);
            default -> throw l.bad();
        };
    }

    /** {@code conv 1 2 1 1 0 0 1 1}: the kind, groups, the spatial axes, then stride, padding and dilation per axis. */
    private static String conv(Convolution c) {
        StringBuilder b = new StringBuilder(c.kind().spelling()).append(' ').append(c.groups()).append(' ').append(c.spatial());
        for (List<Integer> v : List.of(c.stride(), c.padding(), c.dilation())) for (int i : v) b.append(' ').append(i);
        return b.toString();
    }

    private static LibraryCall conv(Convolution.Kind kind, Line l) {
        int groups = l.integer(), spatial = l.integer();
        List<List<Integer>> v = new ArrayList<>();
        for (int list = 0; list < 3; list++) {
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < spatial; a++) axes.add(l.integer());
            v.add(axes);
        }
        return new LibraryCall.Conv(new Convolution(kind, v.get(0), v.get(1), v.get(2), groups));
    }

    /** {@code max_pool 2 2 2 2 2 0 0}: the kind, the pooled axes, then kernel, stride and padding per axis. */
    private static String maxPool(MaxPool m) {
        StringBuilder b = new StringBuilder(m.kind().spelling()).append(' ').append(m.spatial());
        for (List<Integer> v : List.of(m.kernel(), m.stride(), m.padding())) for (int i : v) b.append(' ').append(i);
        return b.toString();
    }

    private static LibraryCall maxPool(MaxPool.Kind kind, Line l) {
        int spatial = l.integer();
        List<List<Integer>> v = new ArrayList<>();
        for (int list = 0; list < 3; list++) {
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < spatial; a++) axes.add(l.integer());
            v.add(axes);
        }
        return new LibraryCall.MaxPool(new MaxPool(kind, v.get(0), v.get(1), v.get(2)));
    }

    /** A size as one word ({@code 2*N+1}): sizes in brackets may have spaces, a lone one may not. */
    private static String word(SizeExpr s) {
        return s.toString().replace(" ", "");
    }

    private static SizeExpr expr(String word, List<String> symbols) {
        return SizeExpr.of(size(word), symbols);
    }

    /** {@link Size#parse}, and a negative number too (an index offset or a pad start may be one). */
    private static Size size(String text) {
        String s = text.strip();
        if (s.matches("-\\d+")) return new Size.Polynomial(List.of(new Size.Term(Long.parseLong(s), List.of())));
        return Size.parse(s);
    }

    private static List<SizeExpr> exprs(List<Size> sizes, List<String> symbols) {
        return sizes.stream().map(s -> SizeExpr.of(s, symbols)).toList();
    }

    private static String ints(int[] values) {
        StringBuilder out = new StringBuilder();
        for (int v : values) out.append(' ').append(v);
        return out.toString();
    }

    private static String longs(long[] values) {
        StringBuilder out = new StringBuilder();
        for (long v : values) out.append(' ').append(v);
        return out.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Free text (a file name in a limit's message, a stream name) on one line. */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static final class Reader {
        private final String[] lines;
        private int next;

        Reader(String text) {
            this.lines = text.split("\n");
        }

        boolean more() {
            while (next < lines.length && lines[next].isEmpty()) next++;
            return next < lines.length;
        }

        Line next() {
            more();
            return new Line(lines[next], next++ + 1);
        }

        Line line(String start) {
            Line l = next();
            if (!l.text.startsWith(start)) throw l.bad();
            l.at = start.length();
            return l;
        }
    }

    /** One line, read word by word; a bracketed list of sizes is one item. */
    private static final class Line {
        final String text;
        final int number;
        int at;

        Line(String text, int number) {
            this.text = text;
            this.number = number;
        }

        boolean done() {
            skip();
            return at >= text.length();
        }

        private void skip() {
            while (at < text.length() && text.charAt(at) == ' ') at++;
        }

        String peek() {
            int save = at;
            String w = word();
            at = save;
            return w;
        }

        String word() {
            skip();
            if (at >= text.length()) throw bad();
            int end = text.indexOf(' ', at);
            if (end < 0) end = text.length();
            String w = text.substring(at, end);
            at = end;
            return w;
        }

        int integer() {
            return Integer.parseInt(word());
        }

        void expect(String w) {
            if (!word().equals(w)) throw bad();
        }

        List<Size> sizes() {
            skip();
            if (at >= text.length() || text.charAt(at) != '[') throw bad();
            int end = text.indexOf(']', at);
            if (end < 0) throw bad();
            String inside = text.substring(at + 1, end).strip();
            at = end + 1;
            if (inside.isEmpty()) return List.of();
            return Arrays.stream(inside.split(",")).map(PlanText::size).toList();
        }

        /** The rest of the line after one space. */
        String rest() {
            if (at < text.length() && text.charAt(at) == ' ') at++;
            String r = text.substring(Math.min(at, text.length()));
            at = text.length();
            return r;
        }

        IllegalArgumentException bad() {
            return new IllegalArgumentException("plan text line " + number + ": cannot read '" + text + "'");
        }
    }
}
