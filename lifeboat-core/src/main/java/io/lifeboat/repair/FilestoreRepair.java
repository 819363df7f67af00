package io.lifeboat.repair;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingKind;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Restores missing filestore files from content sources.
 *
 * <p>Guarantees: only files a check reported missing are written; an existing file is never
 * overwritten (placing is a hard link, which fails if the name exists); every file is written under a
 * temporary name in its final directory, verified against its SHA-1, forced to disk and only then
 * given its real name, so a killed repair leaves at most a temporary file, which the next run removes.
 * Files are placed in batches and each batch is read back and verified before the next starts.
 * Running it again is harmless: files already present are skipped. Not thread-safe.
 */
public final class FilestoreRepair {
    private static final String TEMP_PREFIX = ".lifeboat-";

    private final Path filestore;
    private final List<ContentProvider> sources;

    /**
     * @param filestore the filestore directory to repair, {@code <data_dir>/filestore/<db>}
     * @param sources where to look for content, in order of preference
     */
    public FilestoreRepair(Path filestore, List<ContentProvider> sources) {
        this.filestore = filestore;
        this.sources = List.copyOf(sources);
    }

    /**
     * Which of the files {@code report} found missing can be restored, and from which source. Reads
     * the sources, writes nothing.
     */
    public RepairPlan plan(CheckReport report, Progress progress) throws IOException {
        Map<String, List<Finding>> bySha1 = new TreeMap<>();
        for (Finding f : report.findings(FindingKind.MISSING_FILE)) {
            String sha1 = f.sha1();
            if (sha1 != null)
                bySha1.computeIfAbsent(sha1, k -> new ArrayList<>()).add(f);
        }
        progress.phase("look up sources", bySha1.size(), "files");
        List<PlannedFile> files = new ArrayList<>();
        List<Finding> irrecoverable = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, List<Finding>> e : bySha1.entrySet()) {
            String sha1 = e.getKey();
            List<Finding> rows = e.getValue();
            ContentProvider source = null;
            for (ContentProvider s : sources) {
                if (s.contains(sha1)) {
                    source = s;
                    break;
                }
            }
            if (source == null) {
                irrecoverable.addAll(rows);
            } else {
                long size = rows.stream()
                        .filter(f -> f.fileSize() != null)
                        .mapToLong(Finding::fileSize)
                        .max()
                        .orElse(-1);
                bytes += Math.max(0, size);
                files.add(new PlannedFile(
                        sha1,
                        sha1.substring(0, 2) + "/" + sha1,
                        size,
                        source.describe(),
                        rows.stream().map(Finding::id).toList(),
                        rows.stream()
                                .map(f -> f.resModel() == null ? "" : f.resModel())
                                .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                                .stream()
                                .toList()));
            }
            progress.advance(1);
        }
        return new RepairPlan(
                report.database(),
                filestore.toString(),
                files,
                bytes,
                irrecoverable,
                sources.stream().map(ContentProvider::describe).toList());
    }

    /** Writes the plan's files that are still missing; see the class comment for the guarantees. */
    public RepairResult apply(RepairPlan plan, RepairOptions options, Progress progress) throws IOException {
        if (!Files.isDirectory(filestore)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "filestore directory " + filestore + " does not exist",
                    "Check the data directory and database name; repair does not create a filestore.");
        }
        Repairs.Ownership ownership = Repairs.Ownership.of(filestore);
        progress.phase("restore files", plan.bytes(), "bytes");
        List<RepairResult.Placed> placed = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<RepairResult.Failed> failed = new ArrayList<>();
        long bytes = 0;
        int batches = 0;
        List<PlannedFile> files = plan.files();
        for (int from = 0; from < files.size(); from += options.batchSize()) {
            List<PlannedFile> batch = files.subList(from, Math.min(files.size(), from + options.batchSize()));
            Map<Path, RepairResult.Placed> written = new LinkedHashMap<>();
            for (PlannedFile f : batch) {
                Path target = filestore.resolve(f.sha1().substring(0, 2)).resolve(f.sha1());
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    present.add(f.relative());
                    continue;
                }
                Outcome o = restore(f, target, ownership);
                if (o.present) present.add(f.relative());
                else if (o.placed != null) {
                    written.put(target, o.placed);
                    bytes += o.placed.size();
                    progress.advance(o.placed.size());
                } else failed.add(new RepairResult.Failed(f.relative(), o.reason));
            }
            // Re-check the batch from disk before going on.
            for (Path dir : new LinkedHashSet<>(
                    written.keySet().stream().map(Path::getParent).toList())) {
                Repairs.syncDirectory(dir);
            }
            for (Map.Entry<Path, RepairResult.Placed> e : written.entrySet()) {
                String sha1 = e.getKey().getFileName().toString();
                String actual = hashFile(e.getKey());
                if (sha1.equals(actual)) {
                    placed.add(e.getValue());
                } else {
                    failed.add(new RepairResult.Failed(
                            e.getValue().relative(), "re-check after placing found content hashing to " + actual));
                }
            }
            batches++;
        }
        return new RepairResult(placed, present, failed, bytes, batches);
    }

    private record Outcome(RepairResult.Placed placed, boolean present, String reason) {}

    /** Tries each source holding the file, preferring the planned one. */
    private Outcome restore(PlannedFile f, Path target, Repairs.Ownership ownership) throws IOException {
        Path dir = target.getParent();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return new Outcome(null, false, dir + " exists and is not a directory");
            }
            Files.createDirectories(dir);
            ownership.applyToDirectory(dir);
            Repairs.syncDirectory(filestore);
        }
        removeStaleTemps(dir, f.sha1());
        List<ContentProvider> order = new ArrayList<>(sources);
        order.sort((a, b) ->
                Boolean.compare(!a.describe().equals(f.source()), !b.describe().equals(f.source())));
        List<String> reasons = new ArrayList<>();
        for (ContentProvider source : order) {
            Optional<InputStream> in;
            try {
                in = source.open(f.sha1());
            } catch (IOException | RuntimeException e) {
                reasons.add(source.describe() + ": " + e.getMessage());
                continue;
            }
            if (in.isEmpty()) continue;
            Path tmp = Files.createTempFile(dir, TEMP_PREFIX + f.sha1() + ".", ".tmp");
            try {
                long size;
                String actual;
                try (InputStream content = in.get()) {
                    MessageDigest md = sha1();
                    size = copy(new DigestInputStream(content, md), tmp);
                    actual = HexFormat.of().formatHex(md.digest());
                } catch (IOException | RuntimeException e) {
                    reasons.add(source.describe() + ": " + e.getMessage());
                    continue;
                }
                if (!actual.equals(f.sha1())) {
                    reasons.add(source.describe() + ": content hashes to " + actual);
                    continue;
                }
                ownership.applyToFile(tmp);
                if (!place(tmp, target)) return new Outcome(null, true, null);
                return new Outcome(new RepairResult.Placed(f.relative(), size, source.describe()), false, null);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return new Outcome(null, false, reasons.isEmpty() ? "no source holds it any more" : String.join("; ", reasons));
    }

    /** Gives {@code tmp} the name {@code target} unless that exists; false when it existed. */
    private static boolean place(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links here: fall back to a rename that refuses an existing target
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return false;
            try {
                Files.move(tmp, target);
                return true;
            } catch (FileAlreadyExistsException e2) {
                return false;
            }
        }
    }

    /** Removes temporary files an interrupted repair left for this SHA-1. */
    private static void removeStaleTemps(Path dir, String sha1) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + sha1 + ".*.tmp")) {
            for (Path t : temps) Files.deleteIfExists(t);
        }
    }

    private static long copy(InputStream in, Path tmp) throws IOException {
        long n = 0;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream out = Channels.newOutputStream(ch)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) >= 0) {
                out.write(buf, 0, r);
                n += r;
            }
            out.flush();
            ch.force(true);
        }
        return n;
    }

    static String hashFile(Path file) throws IOException {
        MessageDigest md = sha1();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (ch.read(buf.clear()) >= 0) {
                md.update(buf.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
