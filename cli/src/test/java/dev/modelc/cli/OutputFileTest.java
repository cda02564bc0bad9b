package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that write files ({@code train --save}, {@code predict --out}, {@code compile --emit java})
 * refuse, before any work and with exit 1, to replace an input of the same run, anything that is not
 * a regular file, or a file of another kind than the one they write; the file is left as it was.
 */
class OutputFileTest {
    @TempDir
    Path dir;

    private Path model;
    private Path csv;

    @BeforeEach
    void copySample() throws IOException {
        model = Files.copy(TrainCommandTest.sample("crop-yield/crop_yield.model"), dir.resolve("crop_yield.model"));
        csv = Files.copy(TrainCommandTest.sample("crop-yield/crop_yield.csv"), dir.resolve("crop_yield.csv"));
    }

    private TrainCommandTest.Run train(String save, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", model.toString(), "--model", "CropYieldLinear",
                "--data", "x=" + csv + ":temp,rainfall,humidity", "--data", "y=" + csv + ":apples,oranges", "--save", save));
        args.addAll(List.of(more));
        return TrainCommandTest.modelc(args.toArray(String[]::new));
    }

    /** Runs {@code run}, expects the one-line refusal with {@code fragments}, and checks {@code file} is untouched. */
    private static void refused(Path file, java.util.function.Supplier<TrainCommandTest.Run> run, String... fragments) throws IOException {
        byte[] before = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        TrainCommandTest.Run r = run.get();
        r.assertOneLineError(fragments);
        assertTrue(r.out().isEmpty(), "refused before any work:\n" + r.out());
        if (before != null) assertArrayEquals(before, Files.readAllBytes(file), file + " changed");
    }

    @Test
    void saveRefusesTheDataFileAndTheModelFile() throws IOException {
        refused(csv, () -> train(csv.toString()),
                "modelc: --save: " + csv + " is the --data x file of this run; modelc does not overwrite its inputs");
        refused(model, () -> train(model.toString()),
                "modelc: --save: " + model + " is the model file of this run; modelc does not overwrite its inputs");
    }

    @Test
    void saveRefusesAnInputUnderAnotherName() throws IOException {
        Path hard = Files.createLink(dir.resolve("hard.npz"), csv);
        refused(csv, () -> train(hard.toString()), "--save: " + hard + " is the same file as " + csv + ", the --data x file");
        Path soft = Files.createSymbolicLink(dir.resolve("soft.npz"), model);
        refused(model, () -> train(soft.toString()), "--save: " + soft + " is the same file as " + model + ", the model file");
        Path dotted = dir.resolve("sub/../crop_yield.csv");
        Files.createDirectories(dir.resolve("sub"));
        refused(csv, () -> train(dotted.toString()), "is the same file as " + csv + ", the --data x file");
    }

    @Test
    void saveRefusesDevicesDirectoriesAndMissingDirectories() throws IOException {
        if (Files.exists(Path.of("/dev/null"))) {
            refused(Path.of("/dev/null"), () -> train("/dev/null"),
                    "modelc: --save: /dev/null is not a regular file (a device, a pipe or a socket); modelc writes only regular files");
        }
        refused(dir, () -> train(dir.toString()), "modelc: --save: " + dir + " is a directory; give a file in it");
        Path nowhere = dir.resolve("no/such/p.npz");
        refused(nowhere, () -> train(nowhere.toString()),
                "modelc: --save: cannot write " + nowhere + ": no directory " + nowhere.getParent());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.npz"), dir.resolve("gone.npz"));
        refused(dangling, () -> train(dangling.toString()), "--save: " + dangling + " is a symbolic link to nothing");
    }

    @Test
    void saveRefusesAReadOnlyDirectoryNamingItAndTheReason() throws IOException {
        assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "root writes anywhere");
            Path p = ro.resolve("p.npz");
            refused(p, () -> train(p.toString()),
                    "modelc: --save: cannot write " + p + ": directory " + ro + " is not writable (permission denied)");
        } finally {
            Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void saveRefusesAFileThatIsNotACheckpoint() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.npz"), "my notes\n");
        refused(notes, () -> train(notes.toString()), "modelc: --save: " + notes + " exists and is not a checkpoint "
                + "(an .npz holding training/ keys or this model's params); modelc replaces only files of that kind");
        Path data = dir.resolve("data.npz");
        Npz.write(data, Map.of("x", Tensor.arange(5)));
        refused(data, () -> train(data.toString()), "--save: " + data + " exists and is not a checkpoint");
        Path empty = Files.createFile(dir.resolve("empty.npz"));
        refused(empty, () -> train(empty.toString()), "--save: " + empty + " exists and is not a checkpoint");
    }

    @Test
    void saveReplacesCheckpointsAndParamsFilesAndMayBeTheResumedFile() throws IOException {
        Path p = dir.resolve("p.npz");
        assertEquals(Main.OK, train(p.toString()).code());
        assertTrue(Npz.names(p).contains("training/epoch"));
        TrainCommandTest.Run again = train(p.toString(), "--resume", p.toString());
        assertEquals(Main.OK, again.code(), again.err());
        // A plain params file of this model (as Model.save writes it) is replaced too.
        Path plain = dir.resolve("plain.npz");
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("linear.weight", Tensor.zeros(DType.F32, 2, 3));
        params.put("linear.bias", Tensor.zeros(DType.F32, 2));
        Npz.write(plain, params);
        assertEquals(Main.OK, train(plain.toString()).code());
        assertTrue(Npz.names(plain).contains("training/epoch"));
    }

    @Test
    void predictOutRefusesItsInputsAndFilesOfAnotherKind() throws IOException {
        Path params = dir.resolve("params.npz");
        assertEquals(Main.OK, train(params.toString()).code());
        java.util.function.Function<Path, TrainCommandTest.Run> predict = out -> TrainCommandTest.modelc("predict", model.toString(),
                "--model", "CropYieldLinear", "--params", params.toString(), "--data", "x=" + csv + ":temp,rainfall,humidity",
                "--out", out.toString());
        refused(csv, () -> predict.apply(csv), "modelc: --out: " + csv + " is the --data x file of this run");
        Path xs = dir.resolve("x.npy");
        Npy.write(xs, Tensor.zeros(DType.F32, 2, 3));
        refused(xs, () -> TrainCommandTest.modelc("predict", model.toString(), "--model", "CropYieldLinear", "--params",
                params.toString(), "--data", "x=" + xs, "--out", xs.toString()), "modelc: --out: " + xs + " is the --data x file");
        Path table = Files.writeString(dir.resolve("table.csv"), "name,age\nann,3\n");
        refused(table, () -> predict.apply(table), "modelc: --out: " + table + " exists and is not a table of preds");
        Path text = Files.writeString(dir.resolve("text.npy"), "not numpy");
        refused(text, () -> predict.apply(text), "modelc: --out: " + text + " exists and is not a .npy file");
        // What predict wrote, it may write again.
        Path preds = dir.resolve("preds.csv");
        assertEquals(Main.OK, predict.apply(preds).code());
        assertEquals(Main.OK, predict.apply(preds).code());
        assertEquals("preds_0,preds_1", Files.readAllLines(preds).getFirst());
    }

    @Test
    void compileRefusesToReplaceASourceItDidNotGenerate() throws IOException {
        Path out = dir.resolve("gen");
        Path source = out.resolve("crop_yield/CropYieldLinear.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "// my own class\nclass CropYieldLinear {}\n");
        refused(source, () -> TrainCommandTest.modelc("compile", model.toString(), "--model", "CropYieldLinear", "--emit", "java",
                "--out", out.toString()), "modelc: --out: " + source + " exists and is not a source modelc generated");
        Files.delete(source);
        Files.delete(source.getParent());
        Files.writeString(source.getParent(), "a file where the package folder goes\n");
        refused(source.getParent(), () -> TrainCommandTest.modelc("compile", model.toString(), "--model", "CropYieldLinear",
                "--emit", "java", "--out", out.toString()), "modelc: --out: cannot create the directory " + source.getParent() + ": "
                + source.getParent() + " is a file, not a directory");
        Files.delete(source.getParent());
        String[] args = {"compile", model.toString(), "--model", "CropYieldLinear", "--emit", "java", "--out", out.toString()};
        assertEquals(Main.OK, TrainCommandTest.modelc(args).code());
        assertEquals(Main.OK, TrainCommandTest.modelc(args).code(), "a generated source is replaced");
    }
}
