package dev.modelc.compiler.diagnostics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * "Did you mean" suggestions by edit distance, for diagnostics and command-line messages.
 *
 * <p>Edit distance is at least the difference in length, and only names within a small distance
 * are suggested; so a search skips most candidates on their length alone, and an {@link Index}
 * of a file's top-level names looks only at the lengths that can match. That keeps a file with
 * 10,000 mistakes and 10,000 declarations linear rather than 10^8 distance computations.
 */
public final class Spelling {
    /**
     * Names longer than this get no suggestion: distance is quadratic in length, and a file of
     * 50,000-character names must not take minutes to report (CPython draws the line at 40).
     */
    static final int MAX_LENGTH = 100;

    private Spelling() {
    }

    /** The candidate closest to {@code name}, if it is close enough to be a likely typo; else null. */
    public static String nearest(String name, Iterable<String> candidates) {
        Search s = new Search(name);
        s.considerAll(candidates);
        return s.best();
    }

    /**
     * One search for the name nearest to {@code name}, fed candidates from several places, with
     * a budget of work (candidates looked at and character pairs compared): names of the same length are not skipped by
     * the index, and 10,000 mistakes among 10,000 similar names must still end in a moment.
     */
    public static final class Search {
        private final String name;
        private final long budget;
        private long spent;
        private String best;
        /** Only candidates closer than this are suggested; it shrinks as better ones are found. */
        private int bound;

        public Search(String name) {
            this(name, Long.MAX_VALUE);
        }

        /** A search that stops comparing once {@code budget} character pairs have been compared. */
        public Search(String name, long budget) {
            this.name = name;
            this.budget = budget;
            this.bound = Math.max(1, name.length() / 3) + 1;
        }

        public void consider(String c) {
            if (spent >= budget) return;
            spent++;
            if (name.length() > MAX_LENGTH || c.length() > MAX_LENGTH) return;
            if (Math.abs(c.length() - name.length()) >= bound || c.equals(name)) return;
            spent += (long) name.length() * c.length();
            int d = distance(name, c);
            // A one-letter name is one edit from every other; suggesting 'x' for 'q' is noise.
            if (d < bound && d < name.length()) {
                bound = d;
                best = c;
            }
        }

        public void considerAll(Iterable<String> candidates) {
            for (String c : candidates) {
                if (spent >= budget) return;
                consider(c);
            }
        }

        /** The names of {@code index} whose length can be close enough. */
        public void consider(Index index) {
            for (int len = Math.max(0, name.length() - bound + 1); len < name.length() + bound; len++) {
                List<String> sameLength = index.byLength.get(len);
                if (sameLength != null) considerAll(sameLength);
            }
        }

        /** The work done so far: candidates looked at, plus character pairs compared. */
        public long spent() {
            return spent;
        }

        /** The nearest candidate seen, or null. */
        public String best() {
            return best;
        }
    }

    /** Names grouped by length, for searches over a large set (a file's declarations, a body's names). */
    public static final class Index {
        private final Map<Integer, List<String>> byLength = new HashMap<>();

        public Index() {
        }

        public Index(Iterable<String> names) {
            for (String n : names) add(n);
        }

        public void add(String name) {
            byLength.computeIfAbsent(name.length(), k -> new ArrayList<>()).add(name);
        }
    }

    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
