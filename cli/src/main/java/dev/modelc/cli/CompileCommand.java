package dev.modelc.cli;

import dev.modelc.api.Driver;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.AtomicFiles;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.ExecutionError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.lang.model.SourceVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code modelc compile FILE --emit java --out DIR}: the generated code, written out. */
@Command(name = "compile",
        mixinStandardHelpOptions = true,
        description = {"Writes Java classes, kernel plans or CUDA C for the models of a file.",
                "All the models of FILE, or the one --model names. --emit java writes one Java class per model under DIR (in",
                "the folders of --package): typed methods named after the model's inputs and",
                "outputs, holding its params; it needs only modelc-runtime to compile and run.",
                "--emit kernels prints the kernel plans (fused loops, matmuls, library calls);",
                "--emit cuda prints them as the CUDA C that --backend cuda compiles with NVRTC."},
        footer = {"", "Exit status: 0 on success, 1 on a mistake in FILE or the command line, 2 on a",
                "bug in modelc."})
final class CompileCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelFile target;

    @Option(names = "--emit", paramLabel = "java|kernels|cuda", required = true, description = "What to generate: java, kernels or cuda.")
    String emit;

    @Option(names = "--out", paramLabel = "DIR", description = "Where --emit java writes its sources (created if missing).")
    Path out;

    @Option(names = "--package", paramLabel = "NAME",
            description = "The Java package of the generated classes (default: the file's name, e.g. crop_yield).")
    String packageName;

    @Option(names = "--dtype", paramLabel = "f32|f64",
            description = "Declare every floating value as this dtype (default: as declared).")
    String dtype;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!emit.equals("java") && !emit.equals("kernels") && !emit.equals("cuda")) {
            usage("unknown target '" + emit + "' for --emit: it is java, kernels or cuda");
        }
        if (emit.equals("java") && out == null) usage("--emit java needs --out DIR");
        DType floating = TrainCommand.floatingDType(spec, dtype);
        String pkg = packageName != null ? packageName : defaultPackage(target.file);
        if (!SourceVersion.isName(pkg)) usage("'" + pkg + "' is not a Java package name; choose one with --package");
        try {
            List<CheckedModel> models = models(err);
            for (CheckedModel m : models) {
                ModelMemory.checkSizes(m); // generated code indexes with int: a larger size would not compile or would wrap
                if (emit.equals("kernels") || emit.equals("cuda")) {
                    for (String kernels : Driver.kernels(m, floating, emit.equals("cuda"))) {
                        stdout.print(kernels);
                        stdout.println();
                    }
                    continue;
                }
                if (!SourceVersion.isIdentifier(m.name()) || SourceVersion.isKeyword(m.name())) {
                    throw UserError.line(target.file + ": model '" + m.name() + "' is not a valid Java class name");
                }
                String source;
                try {
                    source = Driver.javaSource(m, floating, pkg);
                } catch (ExecutionError e) {
                    // Sizes no compiled kernel can index (past 2^31 - 1), known without running.
                    throw UserError.line(e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw UserError.line(target.file + ": " + e.getMessage());
                }
                Path file = out.resolve(pkg.replace('.', '/')).resolve(m.name() + ".java");
                try {
                    Files.createDirectories(file.getParent());
                } catch (IOException e) {
                    String why = switch (e) {
                        case java.nio.file.FileAlreadyExistsException f -> f.getFile() + " is a file, not a directory";
                        case java.nio.file.AccessDeniedException a -> "permission denied on " + a.getFile();
                        default -> e.getMessage();
                    };
                    throw UserError.line("--out: cannot create the directory " + file.getParent() + ": " + why);
                }
                new OutputFile("--out", file).check(new OutputFile.Replaceable.GeneratedSource(),
                        List.of(new OutputFile.Input("model file", target.file)));
                try {
                    AtomicFiles.write(file, source.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw UserError.line("--out: cannot write " + file + ": " + OutputFile.reason(e));
                }
                stdout.println("wrote " + file);
            }
            return Main.OK;
        } catch (UserError e) {
            err.print(e.report);
            return Main.USER_ERROR;
        } finally {
            stdout.flush();
            err.flush();
        }
    }

    private List<CheckedModel> models(PrintWriter err) throws UserError {
        if (target.model != null) return List.of(target.load(err));
        List<CheckedModel> all = ModelChoice.compile(target.file, err).models();
        if (all.isEmpty()) throw UserError.line(target.file + ": no models");
        return all;
    }

    /** {@code crop_yield.model} gives {@code crop_yield}; characters Java does not allow become {@code _}. */
    static String defaultPackage(Path file) {
        String stem = file.getFileName().toString().replaceFirst("\\.model$", "").toLowerCase(java.util.Locale.ROOT);
        StringBuilder s = new StringBuilder();
        stem.codePoints().forEach(c -> s.appendCodePoint(Character.isJavaIdentifierPart(c) ? c : '_'));
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.codePointAt(0))) s.insert(0, '_');
        String name = s.toString();
        return SourceVersion.isKeyword(name) ? name + "_" : name;
    }

    private void usage(String message) {
        throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
