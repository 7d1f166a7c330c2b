package io.runwarden.model;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of the stores' keys: the bytes of their UTF-8 form. */
class CodePointOrderProperties {

    @Property(tries = 2_000)
    void comparesAsTheUtf8BytesOfWellFormedStrings(@ForAll String a, @ForAll String b) {
        String x = wellFormed(a);
        String y = wellFormed(b);
        int bytes = Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
        assertThat(Integer.signum(CodePointOrder.compare(x, y))).as("%s vs %s", x, y).isEqualTo(Integer.signum(bytes));
    }

    @Example
    void aCharacterAboveTheBasicPlaneComesAfterTheLastOnesOfIt() {
        assertThat(CodePointOrder.compare("\uD83D\uDE00", "\uFF5A")).isPositive();
        assertThat("\uD83D\uDE00".compareTo("\uFF5A")).as("Java's own order says otherwise").isNegative();
    }

    /** Lone surrogates have no UTF-8 form: ids never hold them (Bounds.id). */
    private static String wellFormed(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).replace("\uFFFD", "x");
    }
}
