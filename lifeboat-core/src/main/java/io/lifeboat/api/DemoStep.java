package io.lifeboat.api;

import java.nio.file.Path;

/** One step of the demo, done; see {@link DemoRequest}. Steps come in the order declared here. */
public sealed interface DemoStep {

    /** 1. A throwaway PostgreSQL of version {@code major} listens on {@code port}. */
    record Started(int major, int port) implements DemoStep {}

    /** 2. The Odoo-like database {@code database} exists, with its filestore. */
    record Created(String database, int attachments, int distinctFiles, long filestoreBytes) implements DemoStep {}

    /** 3. It is backed up to the zip file {@code zip} of {@code zipBytes} bytes. */
    record BackedUp(Path zip, long zipBytes, BackupResult backup) implements DemoStep {}

    /** 4. The zip is restored as {@code database}, a neutralized copy with a new {@code database.uuid}. */
    record Restored(String database, String newDatabaseUuid, long totalMillis) implements DemoStep {}

    /** 5. The copy is verified: base installed, users, referenced files present with the right SHA-1. */
    record Verified(boolean baseInstalled, long users, long presentFiles, long referencedFiles) implements DemoStep {}
}
