package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.List;

/** A parsed `.model` file: its top-level declarations in source order. */
public record ModelFile(SourceFile source, List<Decl> decls) {
    public ModelFile {
        decls = List.copyOf(decls);
    }
}
