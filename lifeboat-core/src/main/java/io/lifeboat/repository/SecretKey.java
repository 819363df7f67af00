package io.lifeboat.repository;

import io.lifeboat.repository.internal.Crypto;

/**
 * An X25519 secret key: full access to the repositories whose data is sealed to its {@link
 * #recipient()}. Losing it makes that data unreadable for good. {@link #toString()} never shows it.
 */
public final class SecretKey {
    private final byte[] scalar;
    private final Recipient recipient;

    SecretKey(byte[] scalar) {
        if (scalar.length != 32) throw new IllegalArgumentException("x25519 secret key must be 32 bytes");
        this.scalar = scalar.clone();
        this.recipient = new Recipient(Crypto.x25519Public(this.scalar));
    }

    /** A new random key. */
    public static SecretKey generate() {
        return new SecretKey(Crypto.random(32));
    }

    /** The public key matching this secret key. */
    public Recipient recipient() {
        return recipient;
    }

    byte[] scalar() {
        return scalar.clone();
    }

    @Override
    public String toString() {
        return "SecretKey[" + recipient.encoded() + "]";
    }
}
