package io.lifeboat.filestore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Ownership and permissions new filestore entries get: those of the filestore directory (so files
 * written as root stay usable by the Odoo user), without execute bits for files.
 */
record Ownership(UserPrincipal owner, GroupPrincipal group, Set<PosixFilePermission> dirPermissions) {

    static final Ownership NONE = new Ownership(null, null, null);

    static Ownership of(Path filestore) {
        try {
            PosixFileAttributes a = Files.readAttributes(filestore, PosixFileAttributes.class);
            return new Ownership(a.owner(), a.group(), a.permissions());
        } catch (IOException | UnsupportedOperationException e) {
            return NONE;
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
