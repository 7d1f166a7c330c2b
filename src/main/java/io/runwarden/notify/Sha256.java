package io.runwarden.notify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The start of a SHA-256 digest in hex: a short name that stands for a value too long or too secret to show. */
final class Sha256 {
    private Sha256() {
    }

    /** The first {@code bytes} bytes of the digest of {@code data}, as {@code 2 * bytes} hex digits. */
    static String hex(byte[] data, int bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data), 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
