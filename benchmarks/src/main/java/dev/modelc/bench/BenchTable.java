package dev.modelc.bench;

import dev.modelc.api.Driver;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scripts/bench}: every workload on the bytecode backend, the interpreter, hand-written
 * Java and libtorch, measured in one run on one machine, printed as one Markdown table (the one
 * in docs/benchmarks.md). Each row is the median of repeated timings after a warm-up of many
 * short calls (a few long calls can leave a kernel in slow code). libtorch runs in a JVM of its
 * own ({@code dev.modelc.torch.peer.BenchPeer}, the torch module) on the inputs this class
 * writes ({@code --write-inputs DIR}): with {@code --peer SCRIPT} this class runs that bash script
 * ({@code scripts/bench} writes it) with {@code --only W} just before measuring each workload W
 * itself, and waits for it, so the two never compete for the cores and each ratio compares
 * measurements a minute apart (this machine's speed wanders by up to 1.5x over a run, and a run
 * that measured all of libtorch first put that drift into the ratios); {@code --torch FILE}
 * reads results measured earlier instead. The table checks that both sides computed the same
 * losses. JMH measures the same
 * workloads with forks and error bars ({@code java -jar benchmarks/target/benchmarks.jar --jmh});
 * this table trades those for one quick, comparable picture.
 */
public final class BenchTable {
    /** One timing: a variant of a workload, in round {@code round} (0-based; see {@code --rounds}). */
    record Row(String workload, String key, String variant, int round, double seconds) {
    }

    private final List<Row> rows = new ArrayList<>();
    /** Per workload key, the value libtorch must agree with (a loss, or f), from an untimed run. */
    private final Map<String, Double> checks = new java.util.LinkedHashMap<>();
    private final boolean quick;
    /** How many times each workload is measured, libtorch's side and then modelc's each time ({@code --rounds}). */
    private final int rounds;
    /** The round being measured. */
    private int round;
    /** What libtorch measured: read from {@code --torch}, or gathered from the peer, workload by workload. */
    private TorchResults torch;
    /** The bash script that runs libtorch's side of one workload ({@code --peer}), or null. */
    private final Path peer;
    /** With a peer, what it measured for the workload and round being measured (null when it failed). */
    private TorchResults latest;
    /** With a peer, each of its runs that failed, as the table's notes say it. */
    private final List<String> peerFailures = new ArrayList<>();
    private boolean disagreed;

    private BenchTable(boolean quick, int rounds, TorchResults torch, Path peer) {
        this.quick = quick;
        this.rounds = rounds;
        this.torch = torch;
        this.peer = peer;
    }

    /** The workloads, in the table's order ({@code --only} names one). */
    private static final List<String> WORKLOADS = List.of("compile", "seed", "linreg", "smooth", "mlp", "conv", "cnn");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        List<String> flags = Arrays.asList(args);
        int inputs = flags.indexOf("--write-inputs");
        if (inputs >= 0 && inputs + 1 < args.length) {
            PeerInputs.write(Path.of(args[inputs + 1]));
            return;
        }
        boolean quick = flags.contains("--quick");
        int only = flags.indexOf("--only");
        String which = only >= 0 && only + 1 < args.length ? args[only + 1] : "all";
        int torchAt = flags.indexOf("--torch");
        TorchResults torch = torchAt >= 0 && torchAt + 1 < args.length ? TorchResults.read(Path.of(args[torchAt + 1])) : null;
        int peerAt = flags.indexOf("--peer");
        Path peer = peerAt >= 0 && peerAt + 1 < args.length ? Path.of(args[peerAt + 1]) : null;
        if (!which.equals("all") && !WORKLOADS.contains(which)) {
            System.err.println("scripts/bench: --only takes one of " + String.join(", ", WORKLOADS) + ", not '" + which + "'");
            System.exit(1);
        }
        int roundsAt = flags.indexOf("--rounds");
        String roundsText = roundsAt >= 0 && roundsAt + 1 < args.length ? args[roundsAt + 1] : "1";
        int rounds = roundsText.matches("[0-9]{1,4}") ? Integer.parseInt(roundsText) : 0;
        if (rounds < 1) {
            System.err.println("scripts/bench: --rounds takes a whole number from 1 to 9999, not '" + roundsText + "'");
            System.exit(1);
        }
        BenchTable t = new BenchTable(quick, rounds, torch, peer);
        for (String w : WORKLOADS) {
            if (!which.equals("all") && !which.equals(w)) continue;
            for (t.round = 0; t.round < rounds; t.round++) {
                t.runPeer(w);
                switch (w) {
                    case "compile" -> t.compileLatency();
                    case "seed" -> t.seed();
                    case "linreg" -> t.linreg();
                    case "smooth" -> t.smooth();
                    case "mlp" -> t.mlp();
                    case "conv" -> t.conv();
                    case "cnn" -> t.cnn();
                    default -> throw new AssertionError(w);
                }
            }
        }
        String table = t.table();
        System.out.print(table);
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--out")) Files.writeString(Path.of(args[i + 1]), table);
        }
        if (t.disagreed) {
            System.err.println("scripts/bench: modelc and libtorch computed different values (the cross-check above)");
            System.exit(1);
        }
        if (!t.peerFailures.isEmpty()) {
            System.err.println("scripts/bench: libtorch's side failed " + t.peerFailures.size() + " time(s) (the notes below the table)");
            System.exit(1);
        }
    }

    private int reps(int n) {
        return quick ? Math.max(1, n / 10) : n;
    }

    /** Median seconds of {@code op} over {@code reps} timings, after {@code warm} untimed calls. */
    private static double time(Runnable op, int warm, int reps) {
        for (int i = 0; i < warm; i++) op.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private void add(String workload, String key, String variant, double seconds) {
        rows.add(new Row(workload, key, variant, round, seconds));
        System.err.printf(Locale.ROOT, "%-48s %-34s %s%n", workload, variant, format(seconds));
    }

    private void compileLatency() {
        String w = "seed model: source text to loaded kernels (warm JVM)";
        Runnable op = () -> Driver.prepare(Workloads.compile().model("Regression").compiled(), EntryPoint.UPDATE);
        add(w, "compile", "modelc bytecode", time(op, reps(30), reps(30)));
    }

    private void seed() {
        String w = "seed regression, 15 rows, 100 epochs";
        Map<String, Tensor> data = Workloads.regressionData(15);
        CompiledModel bytecode = Workloads.model("Regression", Backend.BYTECODE);
        checks.put("seed", Driver.stepLoop(bytecode, Workloads.regressionParams(), data).run(100));
        Driver.Steps loop = Driver.stepLoop(bytecode, Workloads.regressionParams(), data);
        add(w, "seed", "modelc bytecode (step loop)" + lanes(), time(() -> loop.run(100), reps(2000), reps(200)));
        add(w, "seed", "modelc bytecode (CompiledModel.updateStep)", time(() -> epochs(bytecode, data, 100), reps(300), reps(50)));
        CompiledModel interp = Workloads.model("Regression", Backend.INTERP);
        add(w, "seed", "interpreter", time(() -> epochs(interp, data, 100), reps(20), reps(10)));
        float[] x = (float[]) data.get("x").storage(), y = (float[]) data.get("y").storage();
        float[] wts = Workloads.W0.clone(), b = Workloads.B0.clone();
        add(w, "seed", "hand-written Java (1 thread)", time(() -> {
            for (int e = 0; e < 100; e++) HandWritten.regressionStep(x, y, wts, b, 15, Workloads.LR);
        }, reps(5000), reps(500)));
        libtorch(w, "seed");
    }

    /** Whether the bytecode rows ran with vector lanes. */
    private static String lanes() {
        return Driver.vectorLanes() ? ", vector lanes" : "";
    }

    private static void epochs(CompiledModel m, Map<String, Tensor> data, int epochs) {
        Map<String, Tensor> p = Workloads.regressionParams();
        for (int e = 0; e < epochs; e++) p = m.updateStep(p, data).params();
    }

    private void linreg() {
        String w = "linear-regression training step, 2^20 rows";
        int n = 1 << 20;
        Map<String, Tensor> data = Workloads.regressionData(n);
        CompiledModel regression = Workloads.model("Regression", Backend.BYTECODE);
        checks.put("linreg", Driver.stepLoop(regression, Workloads.regressionParams(), data).run(1));
        Driver.Steps loop = Driver.stepLoop(regression, Workloads.regressionParams(), data);
        add(w, "linreg", "modelc bytecode (step loop)" + lanes(), time(() -> loop.run(1), reps(200), reps(60)));
        CompiledModel interp = Workloads.model("Regression", Backend.INTERP);
        add(w, "linreg", "interpreter", time(() -> interp.updateStep(Workloads.regressionParams(), data), 1, reps(5)));
        float[] x = (float[]) data.get("x").storage(), y = (float[]) data.get("y").storage();
        float[] wts = Workloads.W0.clone(), b = Workloads.B0.clone();
        add(w, "linreg", "hand-written Java (all cores)",
                time(() -> HandWritten.regressionStepParallel(x, y, wts, b, n, Workloads.LR), reps(200), reps(60)));
        libtorch(w, "linreg");
    }

    private void smooth() {
        String w = "f(x) = sum(exp(sin(x)) * x / (1 + x*x)) and df/dx, 2^22";
        int n = 1 << 22;
        float[] xs = Workloads.smoothInput(n);
        Map<String, Tensor> in = Map.of("x", Tensor.of(xs, n));
        CompiledModel bytecode = Workloads.model("Smooth", Backend.BYTECODE);
        checks.put("smooth", bytecode.forward(Map.of(), in).get("f").toDoubleArray()[0]);
        Driver.BoundEntryPoint bound = Driver.bind(bytecode, EntryPoint.FORWARD, in, true);
        add(w, "smooth", "modelc bytecode (bound plan)" + lanes(), time(bound::run, reps(60), reps(30)));
        if (Driver.vectorLanes()) {
            Driver.BoundEntryPoint scalar = Driver.bind(bytecode, EntryPoint.FORWARD, in, false);
            add(w, "smooth", "modelc bytecode (bound plan, scalar loops)", time(scalar::run, reps(20), reps(10)));
        }
        CompiledModel interp = Workloads.model("Smooth", Backend.INTERP);
        add(w, "smooth", "interpreter", time(() -> interp.forward(Map.of(), in), 1, reps(5)));
        float[] dx = new float[n];
        add(w, "smooth", "hand-written Java (scalar Math, 1 thread)", time(() -> HandWritten.smooth(xs, dx), reps(10), reps(10)));
        libtorch(w, "smooth");
    }

    private void mlp() {
        String w = "MLP 784-256-256-10 SGD step, batch 256";
        Map<String, Tensor> data = Workloads.mlpData(256);
        CompiledModel bytecode = Workloads.model("Mlp", Backend.BYTECODE);
        Map<String, Tensor> params = bytecode.initialParams(0);
        checks.put("mlp", Driver.stepLoop(bytecode, params, data).run(1));
        Driver.Steps loop = Driver.stepLoop(bytecode, params, data);
        add(w, "mlp", "modelc bytecode (step loop)" + lanes(), time(() -> loop.run(1), reps(100), reps(40)));
        CompiledModel interp = Workloads.model("Mlp", Backend.INTERP);
        add(w, "mlp", "interpreter", time(() -> interp.updateStep(params, data), 1, reps(5)));
        float[][] x = Workloads.rows(data.get("x"));
        int[] y = (int[]) data.get("y").storage();
        float[][] w1 = Workloads.rows(params.get("w1")), w2 = Workloads.rows(params.get("w2")), w3 = Workloads.rows(params.get("w3"));
        float[] b1 = new float[256], b2 = new float[256], b3 = new float[10];
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            // First of the hand-written rows: the ceiling the ratios are taken against.
            VectorMlp vector = new VectorMlp(256, flat(params.get("w1")), b1, flat(params.get("w2")), b2, flat(params.get("w3")), b3);
            float[] xf = flat(data.get("x"));
            // The ceiling must compute the same step: its first loss against modelc's, as libtorch's is.
            float first = new VectorMlp(256, flat(params.get("w1")), b1, flat(params.get("w2")), b2, flat(params.get("w3")), b3)
                    .step(xf, y, 0.01f);
            double mine = checks.get("mlp");
            if (Math.abs(first - mine) > 1e-3 * Math.abs(mine)) {
                System.err.printf(Locale.ROOT, "the FloatVector MLP's first loss %.7g differs from modelc's %.7g%n", first, mine);
                disagreed = true;
            }
            add(w, "mlp", "hand-written Java, FloatVector GEMM (all cores)", time(() -> vector.step(xf, y, 0.01f), reps(100), reps(40)));
        }
        add(w, "mlp", "hand-written Java (all cores)",
                time(() -> HandWritten.mlpStep(x, y, w1, b1, w2, b2, w3, b3, 0.01f), reps(100), reps(40)));
        libtorch(w, "mlp");
    }

    /**
     * conv2d forward and backward at the CNN sample's sizes, batch 64, as one SGD step of the
     * layer's own update rules (the updates are a few thousand elements next to the products):
     * {@code conv1} on the images (weight and bias gradients), {@code conv2} on trained 16 x 14 x 14
     * activations (the input's gradient too). No hand-written row: the ceiling is libtorch's.
     */
    private void conv() {
        Map<String, Tensor> images = Workloads.imageData(64);
        Map<String, Tensor> x = Map.of("x", images.get("x"));
        convRow("conv2d 1->16 channels, 3x3, padding 1, 28x28, batch 64: forward and backward (dw, db)", "conv1", "Conv1", x);
        convRow("conv2d 16->32 channels, 3x3, padding 1, 14x14, batch 64: forward and backward (dx, dw, db)", "conv2", "Conv2", Map.of());
    }

    private void convRow(String w, String key, String model, Map<String, Tensor> data) {
        CompiledModel bytecode = Workloads.model(model, Backend.BYTECODE);
        Map<String, Tensor> params = bytecode.initialParams(0);
        checks.put(key, Driver.stepLoop(bytecode, params, data).run(1));
        Driver.Steps loop = Driver.stepLoop(bytecode, params, data);
        add(w, key, "modelc bytecode (step loop)" + lanes(), time(() -> loop.run(1), reps(100), reps(40)));
        CompiledModel interp = Workloads.model(model, Backend.INTERP);
        add(w, key, "interpreter", time(() -> interp.updateStep(params, data), 1, reps(3)));
        libtorch(w, key);
    }

    /** One SGD step of the CNN sample's network on 64 images (its own update rules: plain SGD, lr 0.01). */
    private void cnn() {
        String w = "CNN (the Fashion-MNIST sample's network) SGD step, batch 64";
        Map<String, Tensor> data = Workloads.imageData(64);
        CompiledModel bytecode = Workloads.model("CnnStep", Backend.BYTECODE);
        Map<String, Tensor> params = bytecode.initialParams(0);
        checks.put("cnn", Driver.stepLoop(bytecode, params, data).run(1));
        Driver.Steps loop = Driver.stepLoop(bytecode, params, data);
        add(w, "cnn", "modelc bytecode (step loop)" + lanes(), time(() -> loop.run(1), reps(100), reps(40)));
        CompiledModel interp = Workloads.model("CnnStep", Backend.INTERP);
        add(w, "cnn", "interpreter", time(() -> interp.updateStep(params, data), 1, reps(3)));
        libtorch(w, "cnn");
    }

    private static float[] flat(Tensor t) {
        return (float[]) t.to(dev.modelc.runtime.DType.F32).storage();
    }

    /**
     * libtorch's side of {@code workload}, measured now by the peer script in a JVM of its own,
     * while this JVM waits (so the two thread pools never compete): {@link #latest}, and added to
     * {@link #torch}. A peer that fails leaves this round without a libtorch row, noted under the
     * table: the rest of the run, and the rows measured so far, are not lost. The compile-latency
     * row has no peer.
     */
    private void runPeer(String workload) throws IOException, InterruptedException {
        if (peer == null || workload.equals("compile")) return;
        latest = null;
        Path out = Files.createTempFile("modelc-bench-peer", ".tsv");
        String run = "libtorch's side of " + workload + (rounds > 1 ? " (round " + (round + 1) + ")" : "");
        try {
            // Through bash, so the script needs no execute permission (a temporary directory may be noexec).
            List<String> command = new ArrayList<>(List.of("bash", peer.toString(), "--only", workload));
            if (quick) command.add("--quick");
            int exit = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start().waitFor();
            if (exit != 0) {
                peerFailed(run + ": the peer exited with status " + exit + " (its messages above)");
                return;
            }
            latest = TorchResults.read(out);
            torch = torch == null ? latest : torch.with(latest);
        } catch (IOException | RuntimeException e) {
            peerFailed(run + ": " + e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private void peerFailed(String what) {
        peerFailures.add(what);
        System.err.println("scripts/bench: " + what);
    }

    /**
     * The libtorch row of a workload: with a peer, what it measured just before this workload
     * in this round (none if it failed or left the key out, never an earlier round's); else from
     * the results read before this JVM started.
     */
    private void libtorch(String workload, String key) {
        TorchResults from = peer != null ? latest : torch;
        if (from == null || !from.seconds().containsKey(key)) return;
        add(workload, key, "libtorch CPU (" + from.threads() + " threads)", from.seconds().get(key));
    }

    private String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Machine: %s, %d cores; %s %s; %s%s%n%n", cpu(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), quick ? "quick run (--quick)" : "full run",
                rounds > 1 ? ", " + rounds + " rounds" : ""));
        if (torch != null) s.append("libtorch: ").append(torch.describe()).append(peer != null
                ? ", measured in its own JVM just before each workload here.\n\n" : ", measured in its own JVM before this one.\n\n");
        if (rounds > 1) {
            s.append("Each workload measured ").append(rounds).append(" times in turn with libtorch: the time is the median of the"
                    + " rounds' medians (from fastest to slowest round in parentheses), a ratio the median of the rounds' ratios.\n\n");
        }
        s.append("| workload | variant | median time | vs hand-written | vs libtorch |\n");
        s.append("| --- | --- | ---: | ---: | ---: |\n");
        Map<String, List<Row>> byVariant = new LinkedHashMap<>();
        for (Row r : rows) byVariant.computeIfAbsent(r.key() + "\t" + r.variant(), k -> new ArrayList<>()).add(r);
        for (List<Row> rs : byVariant.values()) {
            Row r = rs.getFirst();
            List<Row> hand = first(byVariant, r.key(), "hand-written"), peerRows = first(byVariant, r.key(), "libtorch");
            String vsHand = hand == null || hand == rs || rs == peerRows ? "" : ratio(rs, hand);
            String vsTorch = peerRows == null ? (torch == null && peerFailures.isEmpty() ? "not measured" : "") : peerRows == rs ? "" : ratio(rs, peerRows);
            s.append("| ").append(r.workload()).append(" | ").append(r.variant()).append(" | ").append(time(rs))
                    .append(" | ").append(vsHand).append(" | ").append(vsTorch).append(" |\n");
        }
        if (torch != null) s.append('\n').append(crossCheck());
        if (!peerFailures.isEmpty()) {
            s.append("\nlibtorch's side failed, so these have no libtorch row:\n\n");
            for (String f : peerFailures) s.append("- ").append(f).append('\n');
        }
        return s.toString();
    }

    /** The first variant of {@code key} whose name starts with {@code variantPrefix}, its rows by round; or null. */
    private static List<Row> first(Map<String, List<Row>> byVariant, String key, String variantPrefix) {
        return byVariant.values().stream().filter(rs -> rs.getFirst().key().equals(key) && rs.getFirst().variant().startsWith(variantPrefix))
                .findFirst().orElse(null);
    }

    /** A variant's time: its one timing, or the median over rounds with the range. */
    static String time(List<Row> rs) {
        double[] t = rs.stream().mapToDouble(Row::seconds).sorted().toArray();
        if (t.length == 1) return format(t[0]);
        return format(median(t)) + " (" + format(t[0]) + " to " + format(t[t.length - 1]) + ")";
    }

    /** {@code mine} against {@code other}: the median over the rounds both were measured in of the rounds' ratios. */
    static String ratio(List<Row> mine, List<Row> other) {
        Map<Integer, Double> theirs = new HashMap<>();
        for (Row o : other) theirs.put(o.round(), o.seconds());
        double[] ratios = mine.stream().filter(r -> theirs.containsKey(r.round()))
                .mapToDouble(r -> r.seconds() / theirs.get(r.round())).sorted().toArray();
        return ratios.length == 0 ? "" : ratio(median(ratios), 1);
    }

    /** The median of sorted values (the mean of the middle two for an even count). */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Whether modelc and libtorch computed the same thing: the loss after 99 epochs (seed), the
     * first step's loss (linreg, mlp, conv1, conv2, cnn) and f (smooth), all in f32. They agree within 1e-3
     * relative: both sum in f32 in different orders (libtorch's blocked reductions, modelc's
     * chunks), over up to 2^22 terms, and the seed's trajectory compounds 99 steps of that.
     */
    private String crossCheck() {
        StringBuilder s = new StringBuilder("| workload | value checked | modelc | libtorch | relative difference |\n| --- | --- | ---: | ---: | ---: |\n");
        Map<String, String> what = Map.of("seed", "loss before the 100th epoch", "linreg", "loss of the first step",
                "smooth", "f", "mlp", "loss of the first step", "conv1", "loss of the first step", "conv2", "loss of the first step",
                "cnn", "loss of the first step");
        for (var e : checks.entrySet()) {
            Double theirs = torch.checks().get(e.getKey());
            if (theirs == null) continue;
            double mine = e.getValue(), diff = Math.abs(mine - theirs) / Math.max(Math.abs(mine), Math.abs(theirs));
            boolean agree = diff <= 1e-3;
            disagreed |= !agree;
            s.append(String.format(Locale.ROOT, "| %s | %s | %.7g | %.7g | %.1e%s |%n", e.getKey(), what.get(e.getKey()), mine, theirs, diff,
                    agree ? "" : " DISAGREE"));
        }
        return s.toString();
    }

    /** {@code 3.1x slower} or {@code 2.0x faster}: this time against another. */
    static String ratio(double mine, double other) {
        return mine >= other ? String.format(Locale.ROOT, "%.1fx slower", mine / other)
                : String.format(Locale.ROOT, "%.1fx faster", other / mine);
    }

    static String format(double seconds) {
        if (seconds < 1e-3) return String.format(Locale.ROOT, "%.1f µs", seconds * 1e6);
        if (seconds < 1) return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    private static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
