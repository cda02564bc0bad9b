package dev.modelc.lsp;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Location;

/**
 * The compiler's diagnostics as the protocol's: the same message, the primary span as the
 * range, the notes below the message as the command line prints them, related spans as related
 * information, and a mistake inside prelude code (its note "in the forward of 'Linear' (from the
 * prelude), at: x @ weight.T") pointing into the prelude document too.
 */
final class Problems {
    private static final Pattern PRELUDE_NOTE = Pattern.compile("in [^']*'([A-Za-z_][A-Za-z0-9_]*)'.*?\\(from the prelude\\), at: (.*)", Pattern.DOTALL);

    private Problems() {
    }

    static List<org.eclipse.lsp4j.Diagnostic> convert(Analysis a, PreludeDocument prelude, String uri) {
        List<org.eclipse.lsp4j.Diagnostic> out = new ArrayList<>();
        for (Diagnostic d : a.diagnostics()) {
            Span at = d.primary();
            StringBuilder message = new StringBuilder(d.message());
            for (String note : d.notes()) message.append('\n').append(note);
            org.eclipse.lsp4j.Diagnostic lsp = new org.eclipse.lsp4j.Diagnostic(
                    a.lines().range(at.start(), at.end()), message.toString(),
                    d.isError() ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, "modelc");
            List<DiagnosticRelatedInformation> related = new ArrayList<>();
            for (Span r : d.related()) {
                if (r.source() == a.source()) {
                    related.add(new DiagnosticRelatedInformation(new Location(uri, a.lines().range(r.start(), r.end())), "involved: " + r.text()));
                }
            }
            for (String note : d.notes()) {
                Location inPrelude = preludeLocation(note, prelude);
                if (inPrelude != null) related.add(new DiagnosticRelatedInformation(inPrelude, note));
            }
            if (!related.isEmpty()) lsp.setRelatedInformation(related);
            out.add(lsp);
        }
        return out;
    }

    /** Where a prelude note's quoted code is: searched within the named declaration of the prelude. */
    static Location preludeLocation(String note, PreludeDocument prelude) {
        Matcher m = PRELUDE_NOTE.matcher(note);
        if (!m.matches()) return null;
        String name = m.group(1), code = m.group(2).strip();
        String text = prelude.source().text();
        for (Decl d : prelude.tree().decls()) {
            if (!d.name().text().equals(name)) continue;
            int from = text.offsetByCodePoints(0, d.span().start());
            int to = text.offsetByCodePoints(0, d.span().end());
            int found = code.isEmpty() ? -1 : text.substring(from, to).indexOf(code);
            int start = found < 0 ? d.name().span().start() : text.codePointCount(0, from + found);
            int end = found < 0 ? d.name().span().end() : start + code.codePointCount(0, code.length());
            return new Location(prelude.uri(), prelude.lines().range(start, end));
        }
        return null;
    }
}
