package dev.modelc.compiler.backend;

/**
 * The one way user text (file names, the {@code .model} file's lines and comments, names) gets into
 * generated source: as comment text that no Java or CUDA C compiler can read as anything but a
 * comment.
 *
 * <p>Generated code is compiled and run, so a file name or a comment that could end the comment
 * it is quoted in would be code injection ({@code modelc train --backend java} on a file whose name
 * holds a carriage return followed by Java once ran that Java). What can end or escape a comment:
 * <ul>
 *   <li>a line terminator ends a {@code //} comment: CR and LF for javac (JLS 3.4), and whatever a C
 *       compiler takes for one;</li>
 *   <li>{@code \}{@code u000a} is a line feed to javac everywhere, comments included, since
 *       Unicode escapes are translated first (JLS 3.3); a backslash before a line end splices
 *       lines in C, which extends a {@code //} comment over the next line of generated code;</li>
 *   <li>{@code *}{@code /} ends a block or doc comment;</li>
 *   <li>bidirectional controls (U+202A..U+202E, U+2066..U+2069) make a comment display as code
 *       ("Trojan Source", CVE-2021-42574).</li>
 * </ul>
 * So the text is rewritten to an alphabet that holds none of them: printable ASCII but the
 * backslash, and letters, marks, digits, punctuation, symbols and spaces beyond ASCII; everything
 * else (controls, line and paragraph separators, format characters, surrogates, private-use and
 * unassigned code points, the backslash) is spelled {@code <U+XXXX>}, and {@code *}{@code /}
 * becomes {@code * /}. The result is one line and reads as the text did wherever the text was
 * ordinary. {@link #javadoc} also escapes HTML and Javadoc markup.
 */
public final class CommentText {
    private CommentText() {
    }

    /** {@code text} made inert inside a {@code //} or a block comment of Java or CUDA C source. */
    public static String of(String text) {
        StringBuilder out = new StringBuilder(text.length());
        quote(text, false, out);
        return out.toString();
    }

    /**
     * {@code text} made inert inside a Javadoc comment, shown as written: {@link #of}'s rules, except
     * that the backslash and the slash of {@code *}{@code /} become character references, as do
     * HTML and Javadoc markup ({@code < > & @ { }}). Its line feeds stay line feeds, for JavaPoet
     * to start each line of the comment.
     */
    public static String javadoc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            quote(lines[i], true, out);
        }
        return out.toString();
    }

    private static void quote(String text, boolean html, StringBuilder out) {
        int[] cps = text.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            boolean endsComment = c == '/' && i > 0 && cps[i - 1] == '*';
            if (html) {
                switch (c) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '@' -> out.append("&#64;");
                    case '{' -> out.append("&#123;");
                    case '}' -> out.append("&#125;");
                    case '\\' -> out.append("&#92;");
                    default -> {
                        if (endsComment) out.append("&#47;");
                        else if (safe(c)) out.appendCodePoint(c);
                        else out.append(String.format("&lt;U+%04X&gt;", c));
                    }
                }
            } else if (endsComment) {
                out.append(" /"); // a space between keeps both characters visible
            } else if (safe(c)) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("<U+%04X>", c));
            }
        }
    }

    private static boolean safe(int c) {
        if (c < 0x80) return c >= 0x20 && c < 0x7f && c != '\\';
        if (isBidiControl(c)) return false;
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                 Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                 Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION,
                 Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL,
                 Character.SPACE_SEPARATOR -> true;
            default -> false; // controls, line and paragraph separators, format, surrogates, private use, unassigned
        };
    }

    /** Bidirectional embedding, override and isolate controls (format characters, but named here for why). */
    private static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    }
}
