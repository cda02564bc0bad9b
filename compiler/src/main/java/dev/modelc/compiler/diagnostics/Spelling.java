package dev.modelc.compiler.diagnostics;

/** "Did you mean" suggestions by edit distance, for diagnostics and command-line messages. */
public final class Spelling {
    private Spelling() {
    }

    /** The candidate closest to {@code name}, if it is close enough to be a likely typo; else null. */
    public static String nearest(String name, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Math.max(1, name.length() / 3) + 1;
        for (String c : candidates) {
            if (c.equals(name)) continue;
            int d = distance(name, c);
            // A one-letter name is one edit from every other; suggesting 'x' for 'q' is noise.
            if (d < bestDistance && d < name.length()) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
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
