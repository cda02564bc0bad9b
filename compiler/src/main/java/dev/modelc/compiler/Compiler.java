package dev.modelc.compiler;

import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.check.CheckedProgram;
import dev.modelc.compiler.check.Checker;
import dev.modelc.compiler.check.TypeListener;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.syntax.SyntaxReader;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The compiler's entry point: source text in, checked program and diagnostics out. User
 * mistakes come back as diagnostics; only a bug in modelc throws ({@link InternalCompilerError}).
 */
public final class Compiler {
    /**
     * Stages recurse along the syntax tree, whose depth follows the input (a chain of 20,000
     * additions is 20,000 levels deep), so compilation runs on a thread with a large stack.
     */
    private static final long STACK_BYTES = 1L << 30;

    private Compiler() {
    }

    /** Parses and checks one file. */
    public static Compilation compile(SourceFile source) {
        return compile(source, TypeListener.NONE);
    }

    /** Parses and checks one file, telling {@code types} each expression's type (see {@link TypeListener}). */
    public static Compilation compile(SourceFile source, TypeListener types) {
        AtomicReference<Compilation> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().name("modelc-compile").stackSize(STACK_BYTES).unstarted(() -> {
            try {
                result.set(compileHere(source, types));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalCompilerError(source.name(), e);
        }
        Throwable t = failure.get();
        if (t instanceof StackOverflowError) {
            Diagnostics d = new Diagnostics();
            d.error(new Span(source, 0, 0), "the file is nested too deeply to compile",
                    "split long expressions into named locals");
            return new Compilation(source, Optional.empty(), d.sorted());
        }
        if (t != null) throw new InternalCompilerError(source.name(), t);
        return result.get();
    }

    private static Compilation compileHere(SourceFile source, TypeListener types) {
        Diagnostics diagnostics = new Diagnostics();
        Optional<ModelFile> file = SyntaxReader.read(source, diagnostics);
        Optional<CheckedProgram> program = Optional.empty();
        if (file.isPresent()) {
            CheckedProgram checked = Checker.check(file.get(), diagnostics, types);
            if (!diagnostics.hasErrors()) program = Optional.of(checked);
        }
        return new Compilation(source, program, diagnostics.sorted());
    }
}
