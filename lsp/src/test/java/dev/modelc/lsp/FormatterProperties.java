package dev.modelc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.fuzz.GeneratedPrograms;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.syntax.SyntaxReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The formatter's two promises, over every sample, every error fixture that parses, the prelude,
 * and the compiler fuzzers' generated programs: formatting twice changes nothing, and the
 * formatted file is the same program (the same code tokens; the same signatures and graphs, or,
 * for a file with mistakes, the same diagnostics but for their line and column numbers and the
 * spacing of the code they quote).
 */
class FormatterProperties {

    static List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("../samples", "../compiler/src/test/resources/errors")) {
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                s.filter(p -> p.toString().endsWith(".model") && !p.toString().contains("/target/")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    static boolean parses(String text) {
        Diagnostics d = new Diagnostics();
        return SyntaxReader.read(new SourceFile("f.model", text), d).isPresent() && !d.hasErrors();
    }

    @Example
    void everySampleAndParsingFixture() throws IOException {
        int checked = 0;
        for (Path p : files()) {
            String text = Files.readString(p);
            if (!parses(text)) continue;
            sameProgramAndIdempotent(text, p.toString());
            checked++;
        }
        sameProgramAndIdempotent(dev.modelc.compiler.check.Prelude.source().text(), "the prelude");
        if (checked < 60) throw new AssertionError("only " + checked + " files parse");
    }

    @Property(tries = 150)
    void generatedPrograms(@ForAll("programs") String text) {
        sameProgramAndIdempotent(text, text);
    }

    @Provide
    Arbitrary<String> programs() {
        return net.jqwik.api.Arbitraries.oneOf(GeneratedPrograms.anyProgram(), GeneratedPrograms.wellTyped(), GeneratedPrograms.shapeCalls());
    }

    static void sameProgramAndIdempotent(String text, String what) {
        String once = Formatter.format(text);
        assertEquals(once, Formatter.format(once), "not idempotent: " + what);
        assertEquals(codeTokens(text), codeTokens(once), "tokens changed: " + what);
        assertEquals(program(text), program(once), "another program after formatting: " + what);
    }

    static List<String> codeTokens(String text) {
        return SourceTokens.of(text).code().stream().map(c -> c.type() + " " + c.text()).toList();
    }

    /** What the file compiles to, without positions. */
    static String program(String text) {
        Compilation c = Compiler.compile(new SourceFile("f.model", text));
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : c.diagnostics()) {
            out.append(d.severity()).append(' ').append(d.message()).append(' ').append(d.notes()).append('\n');
        }
        c.program().ifPresent(p -> {
            for (CheckedModel m : p.models()) out.append(m.signature()).append('\n').append(GraphPrinter.print(m.graph()));
        });
        // messages quote the source, whose spacing formatting changes
        return out.toString().replaceAll("\\d+:\\d+", "L:C").replaceAll("\\s+", "");
    }
}
