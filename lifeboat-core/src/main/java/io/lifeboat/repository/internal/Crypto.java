package io.lifeboat.repository.internal;

import io.lifeboat.LifeboatException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The repository's primitives: HKDF/HMAC-SHA256, ChaCha20-Poly1305, X25519 stanzas. Thread-safe. */
public final class Crypto {
    public static final int KEY = 32;
    public static final int NONCE = 12;
    public static final int TAG = 16;
    public static final int STANZA = 8 + 32 + KEY + TAG;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] BASE_POINT = new byte[32];

    static {
        BASE_POINT[0] = 9;
    }

    private Crypto() {}

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hmac(byte[] key, byte[] data) {
        return hmac(key).doFinal(data);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HKDF-SHA256 (RFC 5869) with a 32-byte output. */
    public static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
        byte[] prk = hmac(salt.length == 0 ? new byte[32] : salt, ikm);
        Mac mac = hmac(prk);
        mac.update(info.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 1);
        return mac.doFinal();
    }

    /** {@code nonce ‖ ciphertext ‖ tag} with a random nonce. */
    public static byte[] seal(byte[] key, byte[] plain, int off, int len, byte[] aad) {
        byte[] nonce = random(NONCE);
        byte[] out = new byte[NONCE + len + TAG];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, key, nonce);
            if (aad != null) c.updateAAD(aad);
            c.doFinal(plain, off, len, out, NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    public static byte[] seal(byte[] key, byte[] plain, byte[] aad) {
        return seal(key, plain, 0, plain.length, aad);
    }

    /** Opens {@code nonce ‖ ciphertext ‖ tag}; throws {@link AEADBadTagException} when forged or damaged. */
    public static byte[] open(byte[] key, byte[] sealed, int off, int len, byte[] aad) throws AEADBadTagException {
        if (len < NONCE + TAG) throw new AEADBadTagException("sealed data too short");
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(sealed, off, off + NONCE));
            if (aad != null) c.updateAAD(aad);
            return c.doFinal(sealed, off + NONCE, len - NONCE);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws AEADBadTagException {
        return open(key, sealed, 0, sealed.length, aad);
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        return c;
    }

    /** X25519(scalar, point) on raw little-endian 32-byte encodings (RFC 7748). */
    public static byte[] x25519(byte[] scalar, byte[] point) {
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            var priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            byte[] le = point.clone();
            le[31] &= 0x7f;
            byte[] be = new byte[32];
            for (int i = 0; i < 32; i++) be[i] = le[31 - i];
            var pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            byte[] shared = ka.generateSecret();
            if (MessageDigest.isEqual(shared, new byte[32])) {
                throw new LifeboatException(
                        LifeboatException.Kind.INTEGRITY, "invalid x25519 public key (low-order point)");
            }
            return shared;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key of a raw X25519 private key. */
    public static byte[] x25519Public(byte[] scalar) {
        return x25519(scalar, BASE_POINT);
    }

    /** The 8-byte tag naming a recipient public key in stanzas. */
    public static byte[] recipientTag(byte[] publicKey) {
        return Arrays.copyOf(sha256().digest(publicKey), 8);
    }

    /** Seals a 32-byte payload to a recipient public key: an 88-byte stanza (format §6). */
    public static byte[] stanza(byte[] ephemeralSecret, byte[] ephemeralPublic, byte[] recipient, byte[] payload) {
        byte[] wrap =
                hkdf(x25519(ephemeralSecret, recipient), concat(ephemeralPublic, recipient), "lifeboat-x25519-v1");
        byte[] out = new byte[STANZA];
        System.arraycopy(recipientTag(recipient), 0, out, 0, 8);
        System.arraycopy(ephemeralPublic, 0, out, 8, 32);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, wrap, new byte[NONCE]);
            c.doFinal(payload, 0, KEY, out, 40);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Opens a stanza with a secret key; empty array-less null when the stanza is for another recipient. */
    public static byte[] openStanza(byte[] stanza, int off, byte[] secret, byte[] publicKey)
            throws AEADBadTagException {
        if (!Arrays.equals(stanza, off, off + 8, recipientTag(publicKey), 0, 8)) return null;
        byte[] eph = Arrays.copyOfRange(stanza, off + 8, off + 40);
        byte[] wrap = hkdf(x25519(secret, eph), concat(eph, publicKey), "lifeboat-x25519-v1");
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, wrap, new byte[NONCE]);
            return c.doFinal(stanza, off + 40, KEY + TAG);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    public static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
