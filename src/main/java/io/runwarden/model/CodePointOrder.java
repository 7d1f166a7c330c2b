package io.runwarden.model;

import java.util.Comparator;

/**
 * Strings in code point order, which is the byte order of their UTF-8 form and so the order of the stores' keys.
 * Java's own {@code compareTo} is UTF-16 order, which differs where a character above U+FFFF (a surrogate pair)
 * meets one from U+E000 to U+FFFF: a merge in that order skipped runs that the stores listed the other way round.
 */
public final class CodePointOrder {
    public static final Comparator<String> COMPARATOR = CodePointOrder::compare;

    private CodePointOrder() {
    }

    public static int compare(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(rank(x), rank(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** Surrogates (U+D800–U+DFFF) rank above U+E000–U+FFFF, as the code points they encode do. */
    private static int rank(char c) {
        return c >= 0xD800 && c <= 0xDFFF ? c + 0x2000 : c >= 0xE000 ? c - 0x800 : c;
    }
}
