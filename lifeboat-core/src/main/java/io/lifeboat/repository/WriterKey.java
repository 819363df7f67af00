package io.lifeboat.repository;

import java.util.List;

/**
 * What a backup machine needs to write snapshots: the recipients new data is sealed to and the
 * repository's write secret (which keys deduplication and metadata). It cannot decrypt any data.
 * {@link #toString()} never shows the secret.
 */
public final class WriterKey {
    private final String repositoryId;
    private final List<Recipient> recipients;
    private final byte[] writeSecret;

    WriterKey(String repositoryId, List<Recipient> recipients, byte[] writeSecret) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("a writer key needs a recipient");
        this.repositoryId = repositoryId;
        this.recipients = List.copyOf(recipients);
        this.writeSecret = writeSecret.clone();
    }

    public String repositoryId() {
        return repositoryId;
    }

    public List<Recipient> recipients() {
        return recipients;
    }

    byte[] writeSecret() {
        return writeSecret.clone();
    }

    @Override
    public String toString() {
        return "WriterKey[repository=" + repositoryId + ", recipients=" + recipients + "]";
    }
}
