package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.diagnostics.Spelling;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level names of one file, order-independent; a user file's parent is the prelude,
 * whose own names resolve lexically inside it (a user's {@code mean} does not change
 * {@code mse_loss}).
 */
final class FileScope {
    private final FileScope parent;
    private final Map<String, Decl> decls = new LinkedHashMap<>();
    /** This file's names by length, for "did you mean"; built on the first undefined name. */
    private Spelling.Index spellingIndex;

    FileScope(FileScope parent) {
        this.parent = parent;
    }

    Decl putIfAbsent(Decl d) {
        spellingIndex = null;
        return decls.putIfAbsent(d.name().text(), d);
    }

    /** The def, layer or model called {@code name} here or in the prelude, or null. */
    Decl lookup(String name) {
        for (FileScope f = this; f != null; f = f.parent) {
            Decl d = f.decls.get(name);
            if (d != null) return d;
        }
        return null;
    }

    /** The file scope whose declaration {@code d} is (this one or the prelude's). */
    FileScope owner(Decl d) {
        for (FileScope f = this; f != null; f = f.parent) {
            if (f.decls.get(d.name().text()) == d) return f;
        }
        return this;
    }

    Map<String, Decl> decls() {
        return decls;
    }

    /** Offers this file's names and the prelude's to a spelling search, without listing them all. */
    void offerNames(Spelling.Search search) {
        for (FileScope f = this; f != null; f = f.parent) {
            if (f.spellingIndex == null) f.spellingIndex = new Spelling.Index(f.decls.keySet());
            search.consider(f.spellingIndex);
        }
    }
}
