package dev.modelc.compiler.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * User text quoted in generated Java (the file's name, the {@code .model} lines in kernel comments,
 * the model's doc comments) can never become code: whatever the text, the generated classes
 * compile to the very same bytes as for plain text. Same bytes is stronger than "the same
 * members and the same numbers": javac without debug information ({@code -g:none}) writes
 * nothing of a comment, so any difference would be text that escaped its comment.
 */
class QuotedTextProperties {
    /** What ended or escaped comments before, or could: line terminators, Unicode escapes, comment ends, markup. */
    private static final List<String> HOSTILE = List.of(
            "\r", "\n", "\r\n", "\u2028", "\u2029", "\u0085", "\f", "\u000b", "\u0000", "\u001a",
            "*/", "/*", "//", "\\u000a", "\\u000d", "\\uuu000A", "\\\\u000a", "\\", "\\u002a/", "\\u",
            "\u202e", "\u2066", "\u200b", "\ufeff", "\ud800", "\udfff", "\uD83D\uDE00",
            "\"", "'", "{@code ", "}", "@param ", "<b>", "&amp;", "$L", "$S", "%s",
            "}}catch(Exception e){}", "try{Runtime.getRuntime().exec(new String[]{\"touch\",\"PWNED\"});}",
            "é", "温度", " ");

    private static final String MODEL = """
            #%1$s
            model Q {  #%1$s
              input x: f64[N, 2]  #%1$s
              # %1$s
              param w: f64[2] = zeros()
              output y = sum(x * w, axis = 1)  #%1$s
              loss = sum((x * w - 1.0) ** 2)  # ");%1$s
            }
            """;

    @Provide
    Arbitrary<String> hostileText() {
        Arbitrary<String> pieces = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(HOSTILE)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)));
        return pieces.list().ofMaxSize(8).map(l -> String.join("", l));
    }

    @Property(tries = 40)
    void quotedTextNeverChangesTheCompiledClasses(@ForAll("hostileText") String text) {
        // A .model comment runs to the end of its line, so the file's own line ends cannot be in
        // one; they reach the generated code through the file's name instead.
        String comment = text.replace('\r', ' ').replace('\n', ' ');
        String hostile = generated(text + ".model", comment);
        Map<String, byte[]> got = InMemoryJavac.compile("q.Q", hostile);
        Map<String, byte[]> want = baseline();
        assertEquals(want.keySet(), got.keySet(), "the generated classes");
        for (String c : want.keySet()) {
            assertTrue(Arrays.equals(want.get(c), got.get(c)), c + " compiled differently for the text " + escaped(text)
                    + "; the source:\n" + hostile);
        }
    }

    @Property(tries = 1000)
    void inertTextHasNoLineEndEscapeOrCommentEnd(@ForAll("hostileText") String text) {
        for (String quoted : List.of(CommentText.of(text), CommentText.javadoc(text.replace('\n', ' ')))) {
            assertFalse(quoted.contains("*/"), quoted);
            assertFalse(quoted.contains("\\"), quoted);
            assertTrue(quoted.codePoints().allMatch(QuotedTextProperties::shown), () -> escaped(quoted));
        }
    }

    @Example
    void ordinaryTextReadsAsWritten() {
        assertEquals("temperature, in °C (température)", CommentText.of("temperature, in °C (température)"));
        assertEquals("c<U+000D>try{", CommentText.of("c\rtry{"));
        assertEquals("a * /b", CommentText.of("a */b"));
        assertEquals("<U+005C>u000a", CommentText.of("\\u000a"));
        assertEquals("&lt;b&gt; &#123;&#64;code x&#125;\nsecond line", CommentText.javadoc("<b> {@code x}\nsecond line"));
    }

    /** Printable ASCII, or beyond ASCII a character that is neither a control, a separator of lines, a format character nor a lone surrogate. */
    private static boolean shown(int c) {
        if (c < 0x80) return c >= 0x20 && c < 0x7f;
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    private static Map<String, byte[]> baselineClasses;

    private static synchronized Map<String, byte[]> baseline() {
        if (baselineClasses == null) baselineClasses = InMemoryJavac.compile("q.Q", generated("q.model", " plain"));
        return baselineClasses;
    }

    /** The typed class (the kernel class nested in it) for the model, with {@code comment} in its comments. */
    private static String generated(String fileName, String comment) {
        Compilation c = Compiler.compile(new SourceFile(fileName, MODEL.formatted(comment)));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return TypedModelGenerator.generate(m, null, "q").toString();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u{%x}", c)));
        return b.toString();
    }
}
