package io.lifeboat.storage.local;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNames;
import io.lifeboat.storage.ObjectNotFoundException;
import io.lifeboat.storage.internal.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory; a name's segments are subdirectories.
 *
 * <p>{@link #save} writes a temporary file ({@code .tmp-<random>}) in the target's directory,
 * forces it to disk, renames it atomically over the target and forces the directory, so after a
 * crash the object is either absent, the old version or the complete new one; a killed process can
 * leave temporary files behind, which {@link #list} never reports. Thread-safe; concurrent saves of
 * the same name end with one of the contents.
 */
public final class LocalBackend implements Backend {
    private final Path root;

    /** A backend storing under {@code root}, which is created on the first save when missing. */
    public LocalBackend(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The directory holding the objects. */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return "local:" + root;
    }

    @Override
    public void save(String name, ContentSource source) throws IOException {
        Path target = resolve(name);
        Path dir = target.getParent();
        Path firstMissing = firstMissingAncestor(dir);
        Files.createDirectories(dir);
        Path temp = dir.resolve(Streams.tempName());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel);
                    InputStream in = source.open()) {
                Streams.copyExactly(in, out, source.length());
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory(dir);
        if (firstMissing != null) {
            // A new directory is durable only once the directory holding it is forced.
            for (Path d = dir.getParent(); d != null; d = d.getParent()) {
                forceDirectory(d);
                if (d.equals(firstMissing.getParent())) {
                    break;
                }
            }
        }
    }

    @Override
    public InputStream load(String name, long offset, long length) throws IOException {
        checkRange(offset);
        Path file = resolve(name);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (FileSystemException e) {
            if (isMissing(file, e)) {
                throw new ObjectNotFoundException(name);
            }
            throw e;
        }
        try {
            if (!Files.isRegularFile(file)) {
                throw new ObjectNotFoundException(name);
            }
            channel.position(offset);
            InputStream in = Channels.newInputStream(channel);
            return length < 0 ? in : Streams.limit(in, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        Path file = resolve(name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? Optional.of(new ObjectInfo(name, attributes.size())) : Optional.empty();
        } catch (FileSystemException e) {
            if (isMissing(file, e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectNames.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<ObjectInfo> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = nameOf(file);
                if (name == null || !name.startsWith(prefix) || !ObjectNames.isValid(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        result.add(new ObjectInfo(name, attributes.size()));
                    }
                } catch (NoSuchFileException e) {
                    // Deleted while listing.
                }
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                // A directory vanished while listing; what was seen is still a valid answer.
                return result;
            }
            throw e.getCause();
        }
        return result;
    }

    @Override
    public void delete(String name) throws IOException {
        Path file = resolve(name);
        try {
            Files.deleteIfExists(file);
        } catch (FileSystemException e) {
            if (!isMissing(file, e)) {
                throw e;
            }
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return location();
    }

    private Path resolve(String name) {
        ObjectNames.check(name);
        Path path = root.resolve(name).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("invalid object name '" + name + "': it leaves the storage directory");
        }
        return path;
    }

    private String nameOf(Path file) {
        Path relative = root.relativize(file);
        if (relative.toString().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Path part : relative) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    /** Whether a failure means the file is not there, e.g. because a path component is a file. */
    private static boolean isMissing(Path file, FileSystemException e) {
        return e instanceof NoSuchFileException
                || e instanceof NotDirectoryException
                || (!(e instanceof java.nio.file.AccessDeniedException) && !Files.exists(file));
    }

    private static void checkRange(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }

    private static Path firstMissingAncestor(Path dir) {
        Path missing = null;
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing = d;
        }
        return missing;
    }

    private static void forceDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
