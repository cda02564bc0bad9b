package dev.modelc.compiler.fuzz;

import dev.modelc.compiler.fuzz.FuzzCorpus.Lexeme;
import java.util.ArrayList;
import java.util.List;

/**
 * One edit to a source text. Positions are arbitrary non-negative ints taken modulo the number
 * of tokens (or code points) the text has when the edit is applied, so any list of mutations
 * applies to any seed and shrinks towards small positions and fewer edits.
 *
 * @param kind    what to do
 * @param at      which token (or code point) to edit
 * @param other   a second token, for swaps and duplications; a length, for range deletions; which
 *                edge-case number or name, for number and name replacements
 * @param token   a token of the language, for replacements and insertions
 * @param chars   arbitrary characters, for character insertions
 */
record Mutation(Kind kind, int at, int other, String token, String chars) {

    enum Kind {
        DELETE_TOKEN,
        DELETE_TOKENS,
        SWAP_TOKENS,
        DUPLICATE_TOKEN,
        REPLACE_TOKEN,
        REPLACE_NUMBER,
        REPLACE_NAME,
        INSERT_TOKEN,
        TRUNCATE,
        INSERT_CHARS,
    }

    String apply(String text) {
        return switch (kind) {
            case TRUNCATE -> {
                int[] cps = text.codePoints().toArray();
                yield new String(cps, 0, at % (cps.length + 1));
            }
            case INSERT_CHARS -> {
                int[] cps = text.codePoints().toArray();
                int cut = at % (cps.length + 1);
                yield new String(cps, 0, cut) + chars + new String(cps, cut, cps.length - cut);
            }
            default -> applyToTokens(text);
        };
    }

    private String applyToTokens(String text) {
        List<Lexeme> lexemes = new ArrayList<>(FuzzCorpus.lex(text));
        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < lexemes.size(); i++) if (lexemes.get(i).token()) tokens.add(i);
        if (kind == Kind.REPLACE_NUMBER || kind == Kind.REPLACE_NAME) return replaceLike(lexemes, tokens);
        if (tokens.isEmpty()) {
            return kind == Kind.INSERT_TOKEN || kind == Kind.REPLACE_TOKEN ? text + token : text;
        }
        int i = tokens.get(at % tokens.size());
        int j = tokens.get(other % tokens.size());
        Lexeme fresh = new Lexeme(token, true);
        switch (kind) {
            case DELETE_TOKEN -> lexemes.remove(i);
            case DELETE_TOKENS -> {
                int from = at % tokens.size();
                int to = Math.min(tokens.size(), from + 1 + other % 8);
                for (int k = to - 1; k >= from; k--) lexemes.remove((int) tokens.get(k));
            }
            case SWAP_TOKENS -> {
                Lexeme a = lexemes.get(i);
                lexemes.set(i, lexemes.get(j));
                lexemes.set(j, a);
            }
            case DUPLICATE_TOKEN -> lexemes.add(j + 1, lexemes.get(i));
            case REPLACE_TOKEN -> lexemes.set(i, fresh);
            case INSERT_TOKEN -> lexemes.add(i, fresh);
            default -> throw new IllegalStateException(kind.toString());
        }
        return join(lexemes);
    }

    private static String join(List<Lexeme> lexemes) {
        StringBuilder out = new StringBuilder();
        Lexeme previous = null;
        for (Lexeme l : lexemes) {
            // Keep tokens apart where the edit put two side by side that would merge, so the text
            // still lexes as the tokens the edit meant.
            if (previous != null && previous.token() && l.token() && merges(previous.text(), l.text())) {
                out.append(' ');
            }
            out.append(l.text());
            previous = l;
        }
        return out.toString();
    }

    /**
     * Replaces the at-th number (or name) with an edge-case number (or another name): the
     * file stays grammatical, so the edit reaches the checker (shapes of 0 or 2^31, axis 99,
     * a param where a dim was, an unknown name).
     */
    private String replaceLike(List<Lexeme> lexemes, List<Integer> tokens) {
        boolean number = kind == Kind.REPLACE_NUMBER;
        List<Integer> like = new ArrayList<>();
        List<String> names = new ArrayList<>(FuzzCorpus.NAMES);
        for (int i : tokens) {
            String t = lexemes.get(i).text();
            boolean isNumber = Character.isDigit(t.charAt(0)) || (t.length() > 1 && t.charAt(0) == '.');
            boolean isName = Character.isLetter(t.charAt(0)) || t.charAt(0) == '_';
            if (number ? isNumber : isName && !FuzzCorpus.KEYWORDS.contains(t)) like.add(i);
            if (isName && !FuzzCorpus.KEYWORDS.contains(t)) names.add(t);
        }
        if (like.isEmpty()) return join(lexemes);
        List<String> pool = number ? FuzzCorpus.NUMBERS : names;
        lexemes.set(like.get(at % like.size()), new Lexeme(pool.get(other % pool.size()), true));
        return join(lexemes);
    }

    /** Whether two tokens written side by side would lex as something else ("x" "y" as "xy", "4" "." as "4."). */
    private static boolean merges(String a, String b) {
        List<Lexeme> both = FuzzCorpus.lex(a + b);
        return both.size() != 2 || !both.get(0).text().equals(a);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TRUNCATE -> "TRUNCATE(at " + at + ")";
            case INSERT_CHARS -> "INSERT_CHARS(at " + at + ", " + FuzzSupport.show(chars) + ")";
            case REPLACE_TOKEN, INSERT_TOKEN -> kind + "(token " + at + ", " + FuzzSupport.show(token) + ")";
            case REPLACE_NUMBER -> "REPLACE_NUMBER(number " + at + ", " + FuzzCorpus.NUMBERS.get(other % FuzzCorpus.NUMBERS.size()) + ")";
            case REPLACE_NAME -> "REPLACE_NAME(name " + at + ", choice " + other + ")";
            case DELETE_TOKEN -> "DELETE_TOKEN(token " + at + ")";
            case DELETE_TOKENS -> "DELETE_TOKENS(token " + at + ", " + (1 + other % 8) + " tokens)";
            case SWAP_TOKENS, DUPLICATE_TOKEN -> kind + "(token " + at + ", token " + other + ")";
        };
    }
}
