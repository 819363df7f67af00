package io.lifeboat.repair;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/** File-system helpers shared by repair and quarantine. */
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

    /**
     * Ownership and permissions new filestore entries get: those of the filestore directory (so files
     * written as root stay usable by the Odoo user), without execute bits for files.
     */
    record Ownership(UserPrincipal owner, GroupPrincipal group, Set<PosixFilePermission> dirPermissions) {

        static Ownership of(Path filestore) {
            try {
                PosixFileAttributes a = Files.readAttributes(filestore, PosixFileAttributes.class);
                return new Ownership(a.owner(), a.group(), a.permissions());
            } catch (IOException | UnsupportedOperationException e) {
                return new Ownership(null, null, null);
            }
        }

        void applyToDirectory(Path dir) {
            apply(dir, dirPermissions);
        }

        void applyToFile(Path file) {
            if (dirPermissions == null) return;
            Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission x : dirPermissions) {
                if (!x.name().endsWith("EXECUTE")) p.add(x);
            }
            p.add(PosixFilePermission.OWNER_READ);
            apply(file, p);
        }

        private void apply(Path p, Set<PosixFilePermission> permissions) {
            if (owner == null) return;
            PosixFileAttributeView view =
                    Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            try {
                PosixFileAttributes a = view.readAttributes();
                if (!a.owner().equals(owner)) view.setOwner(owner);
                if (!a.group().equals(group)) view.setGroup(group);
            } catch (IOException e) {
                // not permitted (not root): the file keeps this process's owner
            }
            try {
                view.setPermissions(permissions);
            } catch (IOException e) {
                // keep the default permissions
            }
        }
    }
}
