package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.diagnostics.DiagnosticRenderer;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.syntax.SyntaxReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The standard prelude, itself written in `.model` ({@code prelude.model} beside this class):
 * {@code Linear}, the loss functions and friends. Parsed once per JVM.
 */
public final class Prelude {
    private Prelude() {
    }

    private static final class Holder {
        static final SourceFile SOURCE = load();
        static final FileScope SCOPE = parse(SOURCE);
    }

    /** The prelude's source, for documentation and tests. */
    public static SourceFile source() {
        return Holder.SOURCE;
    }

    static FileScope scope() {
        return Holder.SCOPE;
    }

    private static SourceFile load() {
        try (InputStream in = Prelude.class.getResourceAsStream("prelude.model")) {
            if (in == null) throw new IllegalStateException("prelude.model is missing from the compiler's resources");
            return new SourceFile("<prelude>", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileScope parse(SourceFile source) {
        Diagnostics diagnostics = new Diagnostics();
        ModelFile file = SyntaxReader.read(source, diagnostics).orElse(null);
        if (file == null || diagnostics.hasErrors()) {
            throw new IllegalStateException("the prelude does not parse:\n" + DiagnosticRenderer.render(diagnostics.sorted()));
        }
        FileScope scope = new FileScope(null);
        for (Decl d : file.decls()) {
            if (scope.putIfAbsent(d) != null) throw new IllegalStateException("the prelude defines " + d.name() + " twice");
        }
        return scope;
    }
}
