package io.lifeboat.repository;

import java.util.List;
import java.util.Optional;

/**
 * Keys a repository is opened with: secret keys (full access: read, restore, write, prune, verify)
 * or a writer key (append-only: backup, list, stats, a forget dry run; nothing can be removed).
 */
public final class Keys {
    private final List<SecretKey> secrets;
    private final WriterKey writer;

    private Keys(List<SecretKey> secrets, WriterKey writer) {
        this.secrets = secrets;
        this.writer = writer;
    }

    /** Full access with one or more secret keys (several after a rotation). */
    public static Keys secret(SecretKey... keys) {
        if (keys.length == 0) throw new IllegalArgumentException("no secret key given");
        return new Keys(List.of(keys), null);
    }

    /** Write-only access. */
    public static Keys writer(WriterKey key) {
        return new Keys(List.of(), key);
    }

    /**
     * Full access, writing to the recipients of {@code writer} (after a rotation: the new recipient)
     * while reading with {@code secrets}.
     */
    public static Keys both(WriterKey writer, SecretKey... secrets) {
        return new Keys(List.of(secrets), writer);
    }

    List<SecretKey> secrets() {
        return secrets;
    }

    Optional<WriterKey> writer() {
        return Optional.ofNullable(writer);
    }

    @Override
    public String toString() {
        return "Keys[secrets=" + secrets.size() + ", writer=" + (writer != null) + "]";
    }
}
