package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution's launcher, {@code src/dist/bin/modelc}, run as users run it: vector lanes for
 * train and predict by default with the JVM's incubator notice kept off stderr, the scalar loops
 * with {@code MODELC_VECTOR=0}, everything else on stderr passed through byte for byte, and the
 * JVM's exit status and process id (so signals reach it) the launcher's own. The launcher runs a
 * jar with no classes of its own whose manifest points at this test's class path: {@link LauncherProbe}
 * to see what the JVM was given, {@link Main} for a real training run.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("src/dist/bin/modelc").toAbsolutePath();
    private static final String NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector\n";
    /** What the probe writes to stderr. */
    private static final String PROBE_ERR = "probe: a line\n\rprobe: no newline";
    private static final String ON = "vector lanes: on (the JVM has jdk.incubator.vector)";
    private static final String NO_MODULE = "vector lanes: off (the JVM runs without jdk.incubator.vector; "
            + "start it with --add-modules jdk.incubator.vector)";
    private static final String TURNED_OFF = "vector lanes: off (-Dmodelc.vector=false turns them off)";
    /** The HotSpot options of the short commands: C1 alone, the serial collector. */
    private static final String SHORT_JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    /** Of train and predict on the scalar loops: the full tiered compiler. */
    private static final String SCALAR_JVM = "-XX:+UseSerialGC";
    /** The classes whose compiles train and predict on lanes wait for (class-name prefixes). */
    private static final List<String> LANE_CLASSES = List.of("dev.modelc.runtime.exec.FloatBlocks", "dev.modelc.runtime.exec.DoubleBlocks",
            "dev.modelc.runtime.exec.VectorGemm", "dev.modelc.runtime.exec.VectorPairPool", "dev.modelc.runtime.exec.Runs",
            "dev.modelc.runtime.exec.Im2Row", "dev.modelc.runtime.exec.RowsWeightGrad", "dev.modelc.runtime.exec.DirectForward",
            "dev.modelc.runtime.exec.DirectInputGrad", "dev.modelc.runtime.exec.ChannelsWeightGrad", "dev.modelc.runtime.exec.LaneMath",
            "dev.modelc.runtime.optim.LaneUpdates",
            "dev.modelc.compiler.backend.bytecode.Kernel_", "jdk.incubator.vector.");
    /** Of train and predict on lanes: every compile in the background, as the JVM does by default. */
    private static final String LANES_JVM = "-XX:+UseSerialGC";
    /** Of train and predict on lanes with MODELC_WAIT_FOR_JIT=1: the lane kernels' compiles are waited for, not run in the background. */
    private static final String WAITING_JVM = "-XX:+UseSerialGC -XX:CompileCommand=quiet" + LANE_CLASSES.stream()
            .map(c -> " -XX:CompileCommand=BackgroundCompilation," + c + "*::*,false").collect(Collectors.joining());

    @TempDir
    static Path dir;
    private static Path probe;
    private static Path cli;

    @BeforeAll
    static void jars() throws IOException {
        probe = jar("probe.jar", LauncherProbe.class.getName());
        cli = jar("cli.jar", Main.class.getName());
    }

    /** A jar of no classes that runs {@code mainClass} from this test's class path. */
    private static Path jar(String name, String mainClass) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, List.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .stream().map(p -> Path.of(p).toUri().toString()).collect(Collectors.joining(" ")));
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    record Run(long pid, int code, String out, String err) {
    }

    /** The launcher on {@code jar} with {@code env} added to a clean environment (no JVM options of the caller's). */
    private static Run launch(Path jar, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        clean(b, jar);
        b.environment().putAll(env);
        Process p = b.start();
        // Small outputs: reading one stream after the other cannot block the process.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Run(p.pid(), p.exitValue(), out, err);
    }

    /** The launcher's settings of this test in {@code b}'s environment, and none of the caller's JVM options. */
    private static void clean(ProcessBuilder b, Path jar) {
        for (String v : List.of("MODELC_VECTOR", "MODELC_WAIT_FOR_JIT", "MODELC_WARMUP", "MODELC_OPTS", "JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            b.environment().remove(v);
        }
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("MODELC_JAR", jar.toString());
    }

    private static String probeOut(Run r, String lanes, String args, String jvm) {
        return "pid " + r.pid() + "\n" + lanes + "\nargs " + args + "\njvm " + jvm + "\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "predict"})
    void trainAndPredictRunOnLanesAndTheNoticeNeverReachesStderr(String command) throws Exception {
        Run r = launch(probe, Map.of("PROBE_EXIT", "3"), command, "a.model", "--data", "x=a b.csv");
        assertEquals(probeOut(r, ON, command + " a.model --data x=a b.csv", LANES_JVM), r.out(), "the JVM is the launcher's process, on lanes");
        assertEquals(PROBE_ERR, r.err());
        assertEquals(3, r.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "eval", "graph", "compile", "sample"})
    void shortCommandsRunScalar(String command) throws Exception {
        Run r = launch(probe, Map.of(), command, "a.model");
        assertEquals(probeOut(r, NO_MODULE, command + " a.model", SHORT_JVM), r.out());
        assertEquals(PROBE_ERR, r.err());
        assertEquals(0, r.code());
    }

    /**
     * Every class of the runtime that uses the Vector API (its class file names a
     * {@code jdk/incubator/vector/} class) is among those whose compiles the launcher has train
     * wait for, as the JVM was given them: a new lane kernel left off the list would run its slow
     * fallback while C2 compiles it.
     */
    @Test
    void everyRuntimeClassOnLanesIsWaitedFor() throws Exception {
        Run r = launch(probe, Map.of("MODELC_WAIT_FOR_JIT", "1"), "train");
        String jvm = r.out().lines().filter(l -> l.startsWith("jvm ")).findFirst().orElseThrow();
        List<String> waited = Stream.of(jvm.split(" "))
                .filter(o -> o.startsWith("-XX:CompileCommand=BackgroundCompilation,") && o.endsWith("*::*,false"))
                .map(o -> o.substring("-XX:CompileCommand=BackgroundCompilation,".length(), o.length() - "*::*,false".length()))
                .toList();
        List<String> onLanes = laneClassesOfTheRuntime();
        assertTrue(onLanes.contains("dev.modelc.runtime.exec.VectorGemm"), onLanes.toString());
        for (String c : onLanes) {
            assertTrue(waited.stream().anyMatch(c::startsWith), c + " uses the Vector API but the launcher does not wait for its compiles: " + waited);
        }
    }

    /** The runtime's classes (its classes folder or jar) whose class files name a class of {@code jdk.incubator.vector}. */
    private static List<String> laneClassesOfTheRuntime() throws Exception {
        Path runtime = Path.of(dev.modelc.runtime.Lanes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (java.nio.file.FileSystem jar = Files.isDirectory(runtime) ? null : java.nio.file.FileSystems.newFileSystem(runtime)) {
            Path root = jar == null ? runtime : jar.getPath("/");
            try (Stream<Path> files = Files.walk(root)) {
                List<String> found = new ArrayList<>();
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/")) {
                        String name = root.relativize(f).toString();
                        found.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                    }
                }
                return found;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "predict"})
    void modelcWaitForJit1WaitsForTheLaneKernelsCompiles(String command) throws Exception {
        Run r = launch(probe, Map.of("MODELC_WAIT_FOR_JIT", "1"), command);
        assertEquals(probeOut(r, ON, command, WAITING_JVM), r.out());
        assertEquals(PROBE_ERR, r.err());
    }

    @Test
    void modelcWaitForJitWithoutLanesAddsNothing() throws Exception {
        Run r = launch(probe, Map.of("MODELC_WAIT_FOR_JIT", "1", "MODELC_VECTOR", "0"), "train");
        assertEquals(probeOut(r, TURNED_OFF, "train", SCALAR_JVM), r.out());
    }

    @Test
    void modelcVector0RunsTheScalarLoops() throws Exception {
        Run r = launch(probe, Map.of("MODELC_VECTOR", "0"), "train", "a.model");
        assertEquals(probeOut(r, TURNED_OFF, "train a.model", SCALAR_JVM), r.out());
        assertEquals(PROBE_ERR, r.err());
        assertEquals(0, r.code());
    }

    @Test
    void modelcVector1IsTheDefault() throws Exception {
        Run r = launch(probe, Map.of("MODELC_VECTOR", "1"), "predict");
        assertEquals(probeOut(r, ON, "predict", LANES_JVM), r.out());
        assertEquals(PROBE_ERR, r.err());
    }

    @Test
    void modelcVector0WinsOverTheModuleInMODELC_OPTSAndLeavesThatNoticeAlone() throws Exception {
        Run r = launch(probe, Map.of("MODELC_VECTOR", "0", "MODELC_OPTS", "--add-modules jdk.incubator.vector"), "train");
        assertEquals(probeOut(r, TURNED_OFF, "train", SCALAR_JVM), r.out());
        assertEquals(NOTICE + PROBE_ERR, r.err(), "the module the user asked for is announced as the JVM announces it");
    }

    @Test
    void linesBeforeTheNoticePassThrough() throws Exception {
        Run r = launch(probe, Map.of("JAVA_TOOL_OPTIONS", "-Dprobe=1"), "train");
        assertEquals(probeOut(r, ON, "train", LANES_JVM), r.out());
        assertEquals("Picked up JAVA_TOOL_OPTIONS: -Dprobe=1\n" + PROBE_ERR, r.err());
    }

    @Test
    void aValueOtherThan0Or1IsRefused() throws Exception {
        Run r = launch(probe, Map.of("MODELC_VECTOR", "yes"), "train");
        assertEquals("", r.out());
        assertEquals("modelc: MODELC_VECTOR must be 0 (scalar loops) or 1 (vector lanes, the default), not 'yes'\n", r.err());
        assertEquals(1, r.code());
    }

    @Test
    void modelcWarmup0TurnsTheWarmUpOffAnd1IsTheDefault() throws Exception {
        Run off = launch(probe, Map.of("MODELC_WARMUP", "0"), "train", "a.model");
        assertEquals(probeOut(off, ON, "train a.model", LANES_JVM + " -Dmodelc.warmup=false"), off.out());
        assertEquals(PROBE_ERR, off.err());
        Run on = launch(probe, Map.of("MODELC_WARMUP", "1"), "train", "a.model");
        assertEquals(probeOut(on, ON, "train a.model", LANES_JVM), on.out());
        Run refused = launch(probe, Map.of("MODELC_WARMUP", "no"), "train");
        assertEquals("", refused.out());
        assertEquals("modelc: MODELC_WARMUP must be 0 (no warm-up) or 1 (a warm-up while train reads its data, the default), not 'no'\n",
                refused.err());
        assertEquals(1, refused.code());
    }

    /**
     * The command line itself trains the same epochs on lanes and on the scalar loops (crop-yield's
     * linear model: products and elementwise + - *, which lanes compute bit for bit), with nothing
     * on stderr either way.
     */
    @Test
    void trainingThroughTheLauncherGivesTheSameLossesOnLanesAndScalar() throws Exception {
        Path samples = Path.of("../samples/crop-yield").toAbsolutePath().normalize();
        String csv = samples.resolve("crop_yield.csv").toString();
        String[] args = {"train", samples.resolve("crop_yield.model").toString(), "--model", "CropYieldLinear",
                "--data", "x=" + csv + ":temp,rainfall,humidity", "--data", "y=" + csv + ":apples,oranges", "--epochs", "20"};
        Run lanes = launch(cli, Map.of(), args);
        Run scalar = launch(cli, Map.of("MODELC_VECTOR", "0"), args);
        assertEquals(0, lanes.code(), lanes.err());
        assertEquals(0, scalar.code(), scalar.err());
        assertEquals("", lanes.err());
        assertEquals("", scalar.err());
        assertTrue(lanes.out().contains("Epoch [20/20], Loss: "), lanes.out());
        assertEquals(withoutTimes(scalar.out()), withoutTimes(lanes.out()));
    }

    /** A JDK whose release file lists no jdk.incubator.vector (a jlinked runtime without it) runs scalar, with no error. */
    @Test
    void aJdkWithoutTheModuleRunsScalar() throws Exception {
        Path home = Files.createDirectories(dir.resolve("jdk-without-vector/bin"));
        Path java = home.resolve("java");
        Files.writeString(java, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java") + " \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        Files.writeString(home.resolveSibling("release"), "JAVA_VERSION=\"25\"\nMODULES=\"java.base java.logging jdk.unsupported\"\n");
        Run r = launch(probe, Map.of("JAVA_HOME", home.getParent().toString()), "train");
        assertEquals(probeOut(r, NO_MODULE, "train", SCALAR_JVM), r.out());
        assertEquals(PROBE_ERR, r.err());
        assertEquals(0, r.code());
    }

    /**
     * Ctrl-C as a terminal sends it, to every process of the foreground group (the filter too):
     * training stops after the batch, its message on stderr gets through, exit 130.
     */
    @Test
    void ctrlCStopsTrainingAndItsMessageGetsThrough() throws Exception {
        assumeFalse(SignalDisposition.sigintIgnored(), "SIGINT is ignored in this JVM (started in the background by a script), so in its children too");
        Path samples = Path.of("../samples/crop-yield").toAbsolutePath().normalize();
        String csv = samples.resolve("crop_yield.csv").toString();
        List<String> command = List.of("setsid", "bash", LAUNCHER.toString(), "train", samples.resolve("crop_yield.model").toString(),
                "--model", "CropYieldLinear", "--data", "x=" + csv + ":temp,rainfall,humidity", "--data", "y=" + csv + ":apples,oranges",
                "--epochs", "100000000", "--print-every", "1");
        ProcessBuilder b = new ProcessBuilder(command);
        clean(b, cli);
        Process p = b.start(); // setsid execs bash as the leader of a new process group: the group's id is p's pid
        StringBuilder out = new StringBuilder();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean sent = false;
            long lines = 0;
            while ((line = reader.readLine()) != null) {
                // At most 16 MB of it: a run the signal did not stop would otherwise fill this test's
                // memory (one did, to 2 GB, when the tests ran with SIGINT ignored: SignalDisposition).
                if (++lines < 1_000 || out.length() < 1 << 24) out.append(line).append('\n');
                if (!sent && line.startsWith("Epoch [3/")) {
                    new ProcessBuilder("/bin/kill", "-INT", "--", "-" + p.pid()).inheritIO().start().waitFor();
                    sent = true;
                }
                if (lines > 1_000_000) break; // stopped it would have, long before: fail below, and kill it
            }
        } finally {
            // Never leave the group running (a child training for 10^8 epochs).
            if (p.isAlive()) new ProcessBuilder("/bin/kill", "-KILL", "--", "-" + p.pid()).inheritIO().start().waitFor();
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(Interrupts.EXIT_CODE, p.exitValue(), out + err);
        assertEquals("\nmodelc: stopping after this batch (Ctrl-C again to quit at once)\n", err);
        assertTrue(out.toString().contains("stopped after epoch "), out.toString());
    }

    /**
     * The JVM waits for the filter before it exits, so a message on stderr comes before what the
     * shell runs next, even when the filter is slow to write it (a {@code cat} on the PATH that
     * sleeps a second first).
     */
    @Test
    void stderrIsWrittenBeforeTheShellGoesOn() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("slow-bin"));
        String realCat = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, "cat"))
                .filter(Files::isExecutable).findFirst().orElseThrow().toString();
        Path cat = bin.resolve("cat");
        Files.writeString(cat, "#!/bin/sh\nsleep 1\nexec " + realCat + " \"$@\"\n");
        assertTrue(cat.toFile().setExecutable(true));
        Path missing = dir.resolve("missing.model");
        ProcessBuilder b = new ProcessBuilder("bash", "-c", "bash \"$0\" train \"$1\" --data x=a.npy; echo \"exit $?\"", LAUNCHER.toString(), missing.toString())
                .redirectErrorStream(true);
        clean(b, cli);
        b.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals("modelc: " + missing + ": no such file\nexit 1\n", out);
    }

    /** The output with the wall times ({@code (3.4 ms)} after an epoch, {@code in 0.72 s} in the summary) left out. */
    private static String withoutTimes(String out) {
        return out.replaceAll(" \\(?[0-9.]+ (µs|ms|s)\\)?", " TIME");
    }
}
