package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Cancellation;
import io.lifeboat.repository.FileIndex;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.SnapshotMeta;
import io.lifeboat.repository.SnapshotWriter;
import io.lifeboat.repository.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The filestore side of point-in-time recovery. {@link #capture} stores the files written since
 * the last capture — Odoo marks each file it writes in {@code checklist/} until its next garbage
 * collection — as a small snapshot of the group {@code <database>+files} (no dump), so a short
 * interval (every minute) keeps the filestore's RPO as low as the WAL's. {@link #place} puts the
 * files a recovered database references into a filestore directory, from any snapshot that holds
 * them, and reports those none holds.
 */
public final class FilestoreIncrements {

    /** The suffix of the snapshot group increments are filed under ({@code +} is not valid in Odoo names). */
    public static final String GROUP_SUFFIX = "+files";

    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    /** What a capture stored. */
    public record Captured(String snapshot, int files, long bytes, List<String> corrupt) {}

    /** What placing a recovered database's files did. */
    public record Placed(int referenced, int placed, int alreadyThere, List<String> missing) {}

    private FilestoreIncrements() {}

    /**
     * Stores the files marked in {@code filestore/checklist/} that {@code stateFile} does not list as
     * captured, then records them there. A file whose content does not match its name is skipped and
     * reported. Returns a null snapshot when there was nothing new.
     */
    public static Captured capture(
            Repository repo, Path filestore, String instance, String database, Path stateFile, Cancellation cancel)
            throws IOException {
        Set<String> done = new HashSet<>();
        if (Files.exists(stateFile)) done.addAll(Files.readAllLines(stateFile, StandardCharsets.US_ASCII));
        List<String> fresh = new ArrayList<>();
        Path checklist = filestore.resolve("checklist");
        if (Files.isDirectory(checklist)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(checklist)) {
                for (Path d : dirs) {
                    String xx = d.getFileName().toString();
                    if (!xx.matches("[0-9a-f]{2}") || !Files.isDirectory(d)) continue;
                    try (DirectoryStream<Path> marks = Files.newDirectoryStream(d)) {
                        for (Path m : marks) {
                            String sha1 = m.getFileName().toString();
                            if (!SHA1.matcher(sha1).matches() || !sha1.startsWith(xx) || done.contains(sha1)) continue;
                            if (Files.isRegularFile(filestore.resolve(xx).resolve(sha1))) fresh.add(sha1);
                        }
                    }
                }
            }
        }
        if (fresh.isEmpty()) return new Captured(null, 0, 0, List.of());
        fresh.sort(null);
        SnapshotWriter w = repo.newSnapshot(SnapshotMeta.of(instance, database + GROUP_SUFFIX, SnapshotKind.SCHEDULED)
                .withTags("filestore-increment"));
        List<String> stored = new ArrayList<>();
        List<String> corrupt = new ArrayList<>();
        long bytes = 0;
        try {
            for (String sha1 : fresh) {
                cancel.check();
                Path file = filestore.resolve(sha1.substring(0, 2)).resolve(sha1);
                if (!sha1.equals(sha1Of(file))) {
                    corrupt.add(sha1);
                    continue;
                }
                long size = Files.size(file);
                try (InputStream in = Files.newInputStream(file)) {
                    w.file(sha1.substring(0, 2) + "/" + sha1, size, in);
                }
                stored.add(sha1);
                bytes += size;
            }
            if (stored.isEmpty()) {
                w.abort();
                return new Captured(null, 0, 0, List.copyOf(corrupt));
            }
            var report = Json.MAPPER.createObjectNode().put("filestoreIncrement", true);
            String id = w.commit(null, report);
            appendDurably(stateFile, stored);
            return new Captured(id, stored.size(), bytes, List.copyOf(corrupt));
        } finally {
            w.abort(); // a no-op after commit
        }
    }

    /**
     * Writes every file of {@code storeFnames} into {@code target} (a filestore directory {@code
     * xx/<sha1>}) from {@code index}, each under a temporary name first and checked; files already
     * there are kept.
     */
    public static Placed place(FileIndex index, Iterable<String> storeFnames, Path target, Cancellation cancel)
            throws IOException {
        Set<String> wanted = new LinkedHashSet<>();
        for (String s : storeFnames) {
            io.lifeboat.odoo.StoreFname.parse(s).ifPresent(f -> wanted.add(f.sha1()));
        }
        int placed = 0;
        int there = 0;
        List<String> missing = new ArrayList<>();
        for (String sha1 : wanted) {
            cancel.check();
            Path dir = Files.createDirectories(target.resolve(sha1.substring(0, 2)));
            Path dest = dir.resolve(sha1);
            if (Files.exists(dest)) {
                there++;
                continue;
            }
            var in = index.open(sha1);
            if (in.isEmpty()) {
                missing.add(sha1.substring(0, 2) + "/" + sha1);
                continue;
            }
            Path tmp = dir.resolve("." + sha1 + ".tmp");
            try (InputStream src = in.get();
                    OutputStream out = Files.newOutputStream(tmp)) {
                src.transferTo(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            placed++;
        }
        return new Placed(wanted.size(), placed, there, List.copyOf(missing));
    }

    private static String sha1Of(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void appendDurably(Path stateFile, List<String> sha1s) throws IOException {
        Files.createDirectories(stateFile.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder();
        for (String s : sha1s) text.append(s).append('\n');
        try (FileChannel ch = FileChannel.open(
                stateFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        } catch (IOException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot record the captured files in " + stateFile + ": " + e.getMessage(),
                    "The files are in the repository; the next capture stores them again (deduplicated).",
                    e);
        }
    }
}
