package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A public key data is sealed to ({@code lbpub1…}). Knowing it allows writing, never reading.
 * Immutable.
 */
public final class Recipient {
    private static final String PREFIX = "lbpub1";
    private final byte[] key;

    Recipient(byte[] key) {
        if (key.length != 32) throw new IllegalArgumentException("x25519 public key must be 32 bytes");
        this.key = key.clone();
    }

    /** Parses {@code lbpub1…}; throws a {@link LifeboatException} (BAD_INPUT) otherwise. */
    public static Recipient parse(String encoded) {
        String s = encoded == null ? "" : encoded.strip();
        try {
            if (s.startsWith(PREFIX)) {
                byte[] raw = Base64.getUrlDecoder().decode(s.substring(PREFIX.length()));
                if (raw.length == 32) return new Recipient(raw);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new LifeboatException(
                LifeboatException.Kind.BAD_INPUT,
                "not a lifeboat public key",
                "A public key looks like lbpub1 followed by 43 characters; copy it from the key file.");
    }

    byte[] raw() {
        return key.clone();
    }

    /** The {@code lbpub1…} text form. */
    public String encoded() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Recipient r && Arrays.equals(key, r.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return encoded();
    }
}
