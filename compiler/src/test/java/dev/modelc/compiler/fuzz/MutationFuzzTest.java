package dev.modelc.compiler.fuzz;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.fuzz.FuzzCorpus.Seed;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Mutations of the seed corpus (every sample, every test fixture, the prelude and a few inline
 * files): token deletions, swaps, duplications and replacements, truncations, and random
 * characters inserted anywhere. Each mutant must end in diagnostics or a checked program,
 * never an exception or a hang.
 */
class MutationFuzzTest {
    /** Read when the tests run, so fixtures added by others are fuzzed too. */
    private static final List<Seed> SEEDS = FuzzCorpus.seeds();

    @Example
    void everySeedCompilesCoherently() {
        for (Seed seed : SEEDS) FuzzSupport.compileSafely(seed.text());
    }

    @Property(tries = 1200)
    void oneEditToASeedEndsInDiagnosticsOrSuccess(@ForAll("seeds") Seed seed, @ForAll("mutation") Mutation edit) {
        record(FuzzSupport.compileSafely(edit.apply(seed.text())));
    }

    @Property(tries = 800)
    void severalEditsToASeedEndInDiagnosticsOrSuccess(@ForAll("seeds") Seed seed, @ForAll("mutations") List<Mutation> edits) {
        String text = seed.text();
        for (Mutation m : edits) text = m.apply(text);
        record(FuzzSupport.compileSafely(text));
    }

    @Property(tries = 500)
    void everyTruncationOfASeedEndsInDiagnosticsOrSuccess(@ForAll("seeds") Seed seed,
                                                         @ForAll("fraction") double where) {
        int[] cps = seed.text().codePoints().toArray();
        int cut = (int) Math.round(where * cps.length);
        record(FuzzSupport.compileSafely(new String(cps, 0, cut)));
    }

    private static void record(Compilation c) {
        Statistics.label("outcome").collect(c.hasErrors() ? "errors" : "clean");
    }

    @Provide
    Arbitrary<Seed> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<Double> fraction() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return mutation().list().ofMinSize(2).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Mutation> mutation() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 1_000_000);
        return Combinators.combine(Arbitraries.of(Mutation.Kind.class), position, position,
                        Arbitraries.of(FuzzCorpus.VOCABULARY), junk())
                .as(Mutation::new);
    }

    /** Characters to insert: the language's own punctuation, controls, NUL, BOM, non-ASCII, lone surrogates. */
    static Arbitrary<String> junk() {
        Arbitrary<String> special = Arbitraries.of("\u0000", "\uFEFF", "\r", "\r\n", "\n", "\t", "\f", "\u000B",
                "é", "λ", "😀", "\u200B", "\u2028", "\uD800", "\uDC00", "\uFFFD", "\"", "'", "!", "%", "$", "`",
                "\\", "?", "#", "{", "}", "((", "]]", "1e", "0x1F", "1.2.3", "..", "***", "//", "\u00A0");
        Arbitrary<String> punctuation = Arbitraries.strings().withChars("(){}[]:;,.=+-*/@<>!~&|^#_0123456789eE \n")
                .ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> anything = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(3);
        return Arbitraries.frequencyOf(Tuple.of(3, special), Tuple.of(3, punctuation), Tuple.of(2, anything));
    }
}
