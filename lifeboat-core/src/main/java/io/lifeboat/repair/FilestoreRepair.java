package io.lifeboat.repair;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingKind;
import io.lifeboat.filestore.ContentMismatchException;
import io.lifeboat.filestore.FileConflictException;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.progress.Progress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Restores missing filestore files from content sources.
 *
 * <p>Guarantees: only files a check reported missing are written; an existing file is never
 * overwritten; every file is placed with {@link Filestore#put}, so it is written under a temporary
 * name, verified against its SHA-1 and (in a directory) forced to disk before it gets its real name,
 * and a killed repair leaves at most a temporary file, which the next run removes. Files are placed in
 * batches and each batch is synced, read back and verified before the next starts. Running it again is
 * harmless: files already present are skipped. Not thread-safe.
 */
public final class FilestoreRepair {
    private final Filestore filestore;
    private final List<ContentProvider> sources;

    /**
     * @param filestore the filestore directory to repair, {@code <data_dir>/filestore/<db>}; new
     *     directories and files get its owner, group and permissions
     * @param sources where to look for content, in order of preference
     */
    public FilestoreRepair(Path filestore, List<ContentProvider> sources) {
        this(new LocalFilestore(filestore).withOwnershipOfRoot(), sources);
    }

    /**
     * @param filestore the filestore to repair
     * @param sources where to look for content, in order of preference
     */
    public FilestoreRepair(Filestore filestore, List<ContentProvider> sources) {
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
                filestore.location(),
                files,
                bytes,
                irrecoverable,
                sources.stream().map(ContentProvider::describe).toList());
    }

    /** Writes the plan's files that are still missing; see the class comment for the guarantees. */
    public RepairResult apply(RepairPlan plan, RepairOptions options, Progress progress) throws IOException {
        if (!filestore.exists()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "filestore directory " + filestore.location() + " does not exist",
                    "Check the data directory and database name; repair does not create a filestore.");
        }
        progress.phase("restore files", plan.bytes(), "bytes");
        List<RepairResult.Placed> placed = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<RepairResult.Failed> failed = new ArrayList<>();
        long bytes = 0;
        int batches = 0;
        List<PlannedFile> files = plan.files();
        for (int from = 0; from < files.size(); from += options.batchSize()) {
            List<PlannedFile> batch = files.subList(from, Math.min(files.size(), from + options.batchSize()));
            Map<String, RepairResult.Placed> written = new LinkedHashMap<>();
            for (PlannedFile f : batch) {
                if (filestore.stat(name(f)).isPresent()) {
                    present.add(f.relative());
                    continue;
                }
                Outcome o = restore(f);
                if (o.present) present.add(f.relative());
                else if (o.placed != null) {
                    written.put(name(f), o.placed);
                    bytes += o.placed.size();
                    progress.advance(o.placed.size());
                } else failed.add(new RepairResult.Failed(f.relative(), o.reason));
            }
            // Re-check the batch from storage before going on.
            filestore.sync();
            for (Map.Entry<String, RepairResult.Placed> e : written.entrySet()) {
                String sha1 = e.getKey().substring(3);
                String actual = filestore.hash(e.getKey()).sha1();
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

    /** The file's name in the filestore, from its SHA-1. */
    private static String name(PlannedFile f) {
        return f.sha1().substring(0, 2) + "/" + f.sha1();
    }

    private record Outcome(RepairResult.Placed placed, boolean present, String reason) {}

    /** Tries each source holding the file, preferring the planned one. */
    private Outcome restore(PlannedFile f) throws IOException {
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
            try (Counting content = new Counting(in.get())) {
                if (filestore.put(name(f), content) == Filestore.Put.PRESENT) {
                    return new Outcome(null, true, null);
                }
                return new Outcome(
                        new RepairResult.Placed(f.relative(), content.count, source.describe()), false, null);
            } catch (ContentMismatchException e) {
                reasons.add(source.describe() + ": content hashes to " + e.actual());
            } catch (FileConflictException e) {
                return new Outcome(null, true, null); // something else wrote the name meanwhile: never overwritten
            } catch (NotDirectoryException e) {
                return new Outcome(null, false, e.getFile() + " exists and is not a directory");
            } catch (IOException | RuntimeException e) {
                reasons.add(source.describe() + ": " + e.getMessage());
            }
        }
        return new Outcome(null, false, reasons.isEmpty() ? "no source holds it any more" : String.join("; ", reasons));
    }

    /** Counts the bytes read. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
