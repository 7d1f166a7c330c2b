package io.runwarden.notify;

/**
 * A script-name pattern of a channel: {@code *} matches any run of characters, {@code ?} one character (a code point,
 * so one emoji), anything else only itself. Matched by hand, not through a regex: a {@code .}, {@code (} or
 * {@code [} in a pattern is a literal, and no pattern can make the match slow (at most pattern × name steps).
 */
final class Glob {
    private Glob() {
    }

    static boolean matches(String pattern, String name) {
        int[] p = pattern.codePoints().toArray();
        int[] s = name.codePoints().toArray();
        int pi = 0;
        int si = 0;
        int star = -1; // the pattern position after the last '*' met
        int resume = 0; // the name position that '*' is to swallow up to next
        while (si < s.length) {
            if (pi < p.length && (p[pi] == '?' || p[pi] != '*' && p[pi] == s[si])) {
                pi++;
                si++;
            } else if (pi < p.length && p[pi] == '*') {
                star = ++pi;
                resume = si;
            } else if (star >= 0) {
                // the last '*' takes one more character, and the rest of the pattern tries again after it
                pi = star;
                si = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }
}
