package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Inputs made from scratch: random sequences of the language's tokens (bare, and inside a
 * model, def, layer or train block), random bytes decoded leniently as UTF-8, random UTF-16
 * text, and random grammatical programs that break the type and shape rules. Each must end in
 * diagnostics or a checked program, never an exception or a hang. Random programs built to be
 * valid must also check clean.
 */
class RandomInputFuzzTest {

    /** Contexts the random tokens are dropped into, so statement and expression parsing is reached. */
    private static final List<Wrapper> WRAPPERS = List.of(
            new Wrapper("", ""),
            new Wrapper("model M {\n", "\n}\n"),
            new Wrapper("model M {\n  input x: f32[N, 3]\n  param w: f32[3] = randn()\n  y = ", "\n}\n"),
            new Wrapper("def f(a, b) = ", "\n"),
            new Wrapper("layer L(n) {\n  param p: f32[n] = zeros()\n  forward(x) ", "\n}\n"),
            new Wrapper("model M {\n  train { ", " }\n}\n"));

    record Wrapper(String before, String after) {
        @Override
        public String toString() {
            return FuzzSupport.show(before) + " ... " + FuzzSupport.show(after);
        }
    }

    @Property(tries = 1000)
    void randomTokenSequencesEndInDiagnosticsOrSuccess(@ForAll("wrapper") Wrapper around,
                                                       @ForAll("tokens") List<String> tokens) {
        record(FuzzSupport.compileSafely(around.before() + String.join(" ", tokens) + around.after()));
    }

    @Property(tries = 500)
    void randomBytesDecodedLenientlyEndInDiagnosticsOrSuccess(@ForAll("bytes") byte[] bytes) {
        // What the command line does with a file that is not valid UTF-8: malformed input becomes U+FFFD.
        record(FuzzSupport.compileSafely(new String(bytes, StandardCharsets.UTF_8)));
    }

    @Property(tries = 400)
    void randomUtf16TextEndsInDiagnosticsOrSuccess(@ForAll("anyText") String text) {
        // compile(SourceFile) takes any Java string, lone surrogates and NULs included.
        record(FuzzSupport.compileSafely(text));
    }

    @Property(tries = 700, edgeCases = EdgeCasesMode.NONE)
    void randomGrammaticalProgramsEndInDiagnosticsOrSuccess(@ForAll("program") String text) {
        record(FuzzSupport.compileSafely(text));
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void randomWellTypedProgramsCheckClean(@ForAll("wellTyped") String text) {
        Compilation c = FuzzSupport.compileSafely(text);
        assertFalse(c.hasErrors(), () -> "a valid program was rejected:\n" + text + "\n" + c.render());
    }

    @Property(tries = 800)
    void shapeBuiltinsWithEdgeCaseArgumentsEndInDiagnosticsOrSoundShapes(@ForAll("shapeCalls") String text) {
        record(FuzzSupport.compileSafely(text));
    }

    private static void record(Compilation c) {
        Statistics.label("outcome").collect(c.hasErrors() ? "errors" : "clean");
    }

    @Provide
    Arbitrary<Wrapper> wrapper() {
        return Arbitraries.of(WRAPPERS);
    }

    @Provide
    Arbitrary<List<String>> tokens() {
        return Arbitraries.of(FuzzCorpus.VOCABULARY).list().ofMaxSize(120);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        // Half the bytes are the language's own characters, so some inputs get past the lexer.
        Arbitrary<Byte> language = Arbitraries.of("model M{}input x:f32[N,3]=()+-*/@.;#\n\r\t 0123456789e"
                .chars().mapToObj(c -> (byte) c).toList());
        Arbitrary<Byte> any = Arbitraries.bytes();
        Arbitrary<Byte> special = Arbitraries.of((byte) 0, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xC3,
                (byte) 0xA9, (byte) 0xF0, (byte) 0x9F, (byte) 0xFF, (byte) 0x80);
        return Arbitraries.frequencyOf(Tuple.of(5, language), Tuple.of(4, any), Tuple.of(1, special))
                .array(byte[].class).ofMaxSize(400);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    @Provide
    Arbitrary<String> wellTyped() {
        return Programs.wellTyped();
    }

    @Provide
    Arbitrary<String> shapeCalls() {
        return Programs.shapeCalls();
    }

    @Provide
    Arbitrary<String> program() {
        return Programs.program();
    }
}
