package io.lifeboat.repair;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/** Helpers shared by repair, quarantine and the content providers. */
final class Repairs {
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    private Repairs() {}

    static boolean isBucketName(String name) {
        return name.length() == 2 && name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    static void requireSha1(String sha1) {
        if (sha1 == null || !SHA1.matcher(sha1).matches()) {
            throw new IllegalArgumentException("not a lowercase sha1: " + sha1);
        }
    }

    /** Forces a directory's entries to disk; ignored where the platform cannot open directories. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every file system lets a directory be opened for sync
        }
    }

    /** Writes {@code bytes} to {@code file} atomically: temporary file, fsync, rename, directory sync. */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
