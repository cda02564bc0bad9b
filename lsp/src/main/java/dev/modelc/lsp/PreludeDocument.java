package dev.modelc.lsp;

import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.check.Prelude;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.syntax.SyntaxReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The prelude as editors see it: its source, written once per server to a read-only file
 * {@code prelude.model} in a temporary folder (every editor can open a {@code file:} URI, few
 * can open a custom scheme), and its syntax tree, parsed by the compiler's reader.
 */
public final class PreludeDocument {
    private final SourceFile source = Prelude.source();
    private final ModelFile tree;
    private final LineIndex lines;
    private String uri;

    public PreludeDocument() {
        tree = SyntaxReader.read(source, new Diagnostics()).orElseThrow();
        lines = new LineIndex(source.text().codePoints().toArray());
    }

    public SourceFile source() {
        return source;
    }

    public ModelFile tree() {
        return tree;
    }

    public LineIndex lines() {
        return lines;
    }

    /** The file URI of the read-only copy, written on first use. */
    public synchronized String uri() {
        if (uri == null) {
            try {
                Path dir = Files.createTempDirectory("modelc-lsp");
                Path file = dir.resolve("prelude.model");
                Files.writeString(file, source.text());
                file.toFile().setReadOnly();
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                uri = file.toUri().toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return uri;
    }
}
