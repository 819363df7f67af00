package io.lifeboat.objectstore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.BackendFilestore;
import io.lifeboat.filestore.ContentMismatchException;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.progress.Progress;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectNotFoundException;
import io.lifeboat.storage.PermanentStorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves the files an Odoo database references between its local filestore and a bucket, in two phases
 * (see docs/object-storage.md):
 *
 * <ol>
 *   <li><b>place</b>: every content the rows in scope reference and the target lacks is copied there, once
 *       per content, on several threads; its SHA-1 is checked against its name as it is sent (an upload
 *       whose bytes do not hash to the name fails before its last byte leaves), and the server checks each
 *       request body's MD5. The journal records what was placed. Nothing is deleted or rewritten.
 *   <li><b>commit</b>, only when phase 1 placed everything it could: each content at the target is
 *       verified (size, and the SHA-1 of a read-back unless this migration placed it), then the rows whose
 *       layout names the content differently are rewritten in batches, each batch one transaction and
 *       each row only if it still holds the value read; then the source copies no row needs any more are
 *       removed (local files, after a migration to a bucket, unless kept). Bucket objects are never
 *       removed.
 * </ol>
 *
 * <p>Re-running is safe at any point: what is at the target is found by listing it again, rows already
 * rewritten are no longer in the source layout, and the journal only spares read-backs. A content whose
 * source is missing or corrupt is reported and its rows are left as they are. A storage failure that
 * outlasts the backend's retries stops the run with an error, before anything of phase 2.
 */
public final class FilestoreMigration {
    private static final int MAX_LISTED = 100;

    /** Which way the files go. */
    public enum Direction {
        TO_BUCKET,
        TO_LOCAL
    }

    /**
     * What to migrate and how.
     *
     * @param direction which way
     * @param layout the layout of the bucket (and of the rows once in the bucket)
     * @param dryRun only count what would be done
     * @param maxId only rows with {@code id <= maxId} (null: all)
     * @param models only rows of these {@code res_model}s (empty: all)
     * @param batchSize rows rewritten per transaction
     * @param jobs parallel transfers
     * @param verifyRead read back every content in phase 2, also those this migration placed
     * @param keepSource keep the local files after a migration to a bucket
     * @param placeOnly stop after phase 1
     */
    public record Options(
            Direction direction,
            AttachmentLayout layout,
            boolean dryRun,
            Long maxId,
            List<String> models,
            int batchSize,
            int jobs,
            boolean verifyRead,
            boolean keepSource,
            boolean placeOnly) {
        public Options {
            models = models == null ? List.of() : List.copyOf(models);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
            if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1");
        }
    }

    /** What a run found and did; counts are of distinct contents unless they say rows. */
    public static final class Report {
        public Direction direction;
        public String layout;
        public String target;
        public boolean dryRun;
        public String phase = "planned";
        public long rowsInScope;
        public long rowsToRewrite;
        public long rowsAlreadyMigrated;
        public long rowsOtherForm;
        public long contents;
        public long placed;
        public long placedBytes;
        public long alreadyThere;
        public final List<String> missingSource = new ArrayList<>();
        public long missingSourceCount;
        public final List<String> corruptSource = new ArrayList<>();
        public long corruptSourceCount;
        public final List<String> conflicts = new ArrayList<>();
        public long conflictCount;
        public long verified;
        public long readBack;
        public final List<String> verifyFailed = new ArrayList<>();
        public long verifyFailedCount;
        public long rowsRewritten;
        public long rowsChanged;
        public long sourceRemoved;
        public long sourceRemovedBytes;
        public long sourceKeptInUse;
        public double placeSeconds;
        public double seconds;
        public String journal;

        /** Whether something needs the user's attention (a content that could not be migrated). */
        public boolean hasProblems() {
            return missingSourceCount + corruptSourceCount + conflictCount + verifyFailedCount > 0;
        }
    }

    /** One distinct content in scope: its SHA-1 and the rows that still name it in the source layout. */
    private static final class Content {
        final String sha1;
        final List<long[]> rowIds = new ArrayList<>(1); // {id}
        long sourceSize = -1;
        long targetSize = -1;
        boolean atTarget;
        boolean ok = true;

        Content(String sha1) {
            this.sha1 = sha1;
        }

        String name() {
            return sha1.substring(0, 2) + "/" + sha1;
        }
    }

    private final PgConnection pg;
    private final String database;
    private final LocalFilestore local;
    private final BackendFilestore bucket;
    private final Options o;
    private final Progress progress;
    private final Runnable checkpoint;
    private final Report report = new Report();
    private final AttachmentLayout source;
    private final AttachmentLayout target;

    private FilestoreMigration(
            PgConnection pg,
            String database,
            LocalFilestore local,
            BackendFilestore bucket,
            Options o,
            Progress progress,
            Runnable checkpoint) {
        this.pg = pg;
        this.database = database;
        this.local = local;
        this.bucket = bucket;
        this.o = o;
        this.progress = progress;
        this.checkpoint = checkpoint;
        AttachmentLayout plain = AttachmentLayout.plain();
        this.source = o.direction() == Direction.TO_BUCKET ? plain : o.layout();
        this.target = o.direction() == Direction.TO_BUCKET ? o.layout() : plain;
    }

    /**
     * Runs the migration of {@code database}'s files between {@code local} and {@code bucket}, keeping its
     * state in {@code journalFile}; {@code checkpoint} throws when the caller cancels.
     *
     * @throws LifeboatException when the database or the storage fails (nothing of phase 2 ran when the
     *     storage failed in phase 1)
     */
    public static Report run(
            PgConnection pg,
            String database,
            LocalFilestore local,
            BackendFilestore bucket,
            Options options,
            Path journalFile,
            Progress progress,
            Runnable checkpoint)
            throws IOException {
        return new FilestoreMigration(pg, database, local, bucket, options, progress, checkpoint).run(journalFile);
    }

    private Report run(Path journalFile) throws IOException {
        long t0 = System.nanoTime();
        report.direction = o.direction();
        report.layout = o.layout().describe();
        report.target = o.direction() == Direction.TO_BUCKET ? bucket.location() : local.location();
        report.dryRun = o.dryRun();
        Map<String, Content> contents = readScope();
        report.contents = contents.size();
        checkpoint.run();
        if (o.dryRun()) {
            plan(contents);
            report.seconds = seconds(t0);
            return report;
        }
        String header = o.direction().name().toLowerCase(java.util.Locale.ROOT) + " "
                + o.layout().kind().label()
                + (o.layout().bucket() == null ? "" : ":" + o.layout().bucket()) + " "
                + bucket.location().replace(' ', '_');
        try (MigrationJournal journal = MigrationJournal.open(journalFile, header)) {
            report.journal = journalFile.toString();
            long t1 = System.nanoTime();
            place(contents, journal);
            report.placeSeconds = seconds(t1);
            journal.recordPhase1Complete(report.placed + report.alreadyThere);
            report.phase = "placed";
            if (o.placeOnly()) {
                report.seconds = seconds(t0);
                return report;
            }
            checkpoint.run();
            verify(contents, journal);
            rewrite(contents);
            removeSources(contents);
            report.phase = "complete";
        }
        report.seconds = seconds(t0);
        return report;
    }

    // ---------------------------------------------------------------------------------------------
    // scope
    // ---------------------------------------------------------------------------------------------

    private Map<String, Content> readScope() throws IOException {
        Map<String, Content> contents = new LinkedHashMap<>();
        progress.phase("read attachments", -1, "rows");
        try (Connection c = pg.open(database)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, store_fname FROM ir_attachment"
                    + " WHERE store_fname IS NOT NULL AND store_fname <> ''" + scopeSql(true) + " ORDER BY id")) {
                bindScope(ps, 1);
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        String fname = rs.getString(2);
                        report.rowsInScope++;
                        Optional<String> sha1 = source.sha1Of(fname);
                        if (sha1.isEmpty()) {
                            Optional<String> migrated = target.sha1Of(fname);
                            if (migrated.isEmpty()) {
                                report.rowsOtherForm++;
                            } else {
                                report.rowsAlreadyMigrated++;
                                // a run killed after its rewrite left the local copy: verified and removed now
                                if (o.direction() == Direction.TO_BUCKET) {
                                    contents.computeIfAbsent(migrated.get(), Content::new);
                                }
                            }
                            continue;
                        }
                        Content content = contents.computeIfAbsent(sha1.get(), Content::new);
                        content.rowIds.add(new long[] {id});
                        if (!source.equals(target)) report.rowsToRewrite++;
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot read attachments of database " + database + ": " + e.getMessage(),
                    "Check the connection settings and that the role may SELECT from ir_attachment.",
                    e);
        }
        if (o.direction() == Direction.TO_BUCKET && o.layout().kind() == AttachmentLayout.Kind.PLAIN) {
            // plain keeps store_fname: rows already in the bucket still look local
            report.rowsAlreadyMigrated = 0;
        }
        return contents;
    }

    /** The scope condition: {@code AND id <= ? AND res_model = ANY(?)} as options ask, or its negation. */
    private String scopeSql(boolean inScope) {
        List<String> parts = new ArrayList<>();
        if (o.maxId() != null) parts.add("id <= ?");
        if (!o.models().isEmpty()) parts.add("res_model = ANY(?)");
        if (parts.isEmpty()) return inScope ? "" : " AND false";
        String all = String.join(" AND ", parts);
        // a row without res_model is outside a --models scope, not unknown
        return inScope ? " AND " + all : " AND NOT COALESCE(" + all + ", false)";
    }

    private int bindScope(PreparedStatement ps, int index) throws SQLException {
        if (o.maxId() != null) ps.setLong(index++, o.maxId());
        if (!o.models().isEmpty()) {
            ps.setArray(
                    index++, ps.getConnection().createArrayOf("text", o.models().toArray()));
        }
        return index;
    }

    // ---------------------------------------------------------------------------------------------
    // phase 1
    // ---------------------------------------------------------------------------------------------

    /** Lists the target and the source sizes: fills {@code atTarget}, {@code targetSize}, {@code sourceSize}. */
    private void survey(Map<String, Content> contents) throws IOException {
        progress.phase("list " + (o.direction() == Direction.TO_BUCKET ? "bucket" : "filestore"), -1, "objects");
        Map<String, Long> atTarget = sizes(o.direction() == Direction.TO_BUCKET ? bucket : local);
        Map<String, Long> atSource = o.direction() == Direction.TO_BUCKET ? null : sizes(bucket);
        for (Content c : contents.values()) {
            Long t = atTarget.get(c.sha1);
            if (t != null) {
                c.atTarget = true;
                c.targetSize = t;
            }
            if (atSource != null) {
                Long s = atSource.get(c.sha1);
                c.sourceSize = s == null ? -1 : s;
            } else {
                c.sourceSize = local.stat(c.name()).map(Filestore.Entry::size).orElse(-1L);
            }
        }
    }

    private static Map<String, Long> sizes(Filestore f) throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        for (Filestore.Entry e : f.list()) {
            if (e.kind() == Filestore.Entry.Kind.FILE) sizes.put(e.name().substring(3), e.size());
        }
        return sizes;
    }

    private void plan(Map<String, Content> contents) throws IOException {
        survey(contents);
        for (Content c : contents.values()) {
            if (c.atTarget) {
                if (c.sourceSize >= 0 && c.sourceSize != c.targetSize) conflict(c);
                else report.alreadyThere++;
            } else if (c.sourceSize < 0) {
                missing(c);
            } else {
                report.placed++;
                report.placedBytes += c.sourceSize;
            }
        }
    }

    private void place(Map<String, Content> contents, MigrationJournal journal) throws IOException {
        try {
            survey(contents);
        } catch (IOException e) {
            throw stopped(e);
        }
        List<Content> todo = new ArrayList<>();
        long bytes = 0;
        for (Content c : contents.values()) {
            if (c.atTarget) {
                if (c.sourceSize >= 0 && c.sourceSize != c.targetSize) conflict(c);
                else report.alreadyThere++;
            } else if (c.sourceSize < 0) {
                missing(c);
            } else {
                todo.add(c);
                bytes += c.sourceSize;
            }
        }
        progress.phase(o.direction() == Direction.TO_BUCKET ? "upload" : "download", bytes, "bytes");
        ExecutorService pool = pool("lifeboat-migrate");
        try {
            List<Future<?>> window = new ArrayList<>();
            AtomicInteger failed = new AtomicInteger();
            int limit = o.jobs() * 4;
            for (Content c : todo) {
                checkpoint.run();
                window.add(pool.submit(() -> {
                    if (failed.get() > 0) return null;
                    try {
                        placeOne(c, journal);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        throw e;
                    }
                    return null;
                }));
                if (window.size() >= limit) drain(window, window.size() / 2);
            }
            drain(window, window.size());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for the first {@code n} transfers; the first failure stops the run. */
    private void drain(List<Future<?>> window, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Future<?> f = window.remove(0);
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            } catch (ExecutionException e) {
                for (Future<?> other : window) other.cancel(true);
                Throwable cause = e.getCause();
                if (cause instanceof LifeboatException le) throw le;
                throw stopped(cause);
            }
        }
    }

    private LifeboatException stopped(Throwable cause) {
        boolean phase1 = "planned".equals(report.phase);
        return new LifeboatException(
                Kind.ENVIRONMENT,
                (phase1 ? "phase 1" : "phase 2") + " stopped: " + cause.getMessage(),
                "The storage kept failing after retries (" + bucket.location() + "). "
                        + (phase1
                                ? "Nothing was deleted and no attachment was rewritten"
                                : "No attachment was rewritten")
                        + "; run the same command again to resume.",
                cause);
    }

    private void placeOne(Content c, MigrationJournal journal) throws IOException {
        if (o.direction() == Direction.TO_BUCKET) {
            Path file = local.path(c.name());
            try {
                bucket.backend().save(bucket.key(c.name()), new CheckedFile(file, c.sha1, c.sourceSize));
            } catch (IOException e) {
                boolean corrupt = causedBy(e, ContentMismatchException.class);
                if (!corrupt && !causedBy(e, NoSuchFileException.class)) throw e;
                synchronized (report) {
                    if (corrupt) corrupt(c);
                    else missing(c);
                }
                return;
            }
        } else {
            try (InputStream in = bucket.open(c.name())) {
                local.put(c.name(), in);
            } catch (ContentMismatchException | NoSuchFileException | ObjectNotFoundException e) {
                synchronized (report) {
                    if (e instanceof ContentMismatchException) corrupt(c);
                    else missing(c);
                }
                return;
            }
        }
        journal.recordPlaced(c.sha1, c.sourceSize);
        synchronized (report) {
            c.atTarget = true;
            c.targetSize = c.sourceSize;
            report.placed++;
            report.placedBytes += c.sourceSize;
        }
        progress.advance(c.sourceSize);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
        return false;
    }

    private void missing(Content c) {
        c.ok = false;
        report.missingSourceCount++;
        if (report.missingSource.size() < MAX_LISTED) report.missingSource.add(c.name());
    }

    private void corrupt(Content c) {
        c.ok = false;
        report.corruptSourceCount++;
        if (report.corruptSource.size() < MAX_LISTED) report.corruptSource.add(c.name());
        progress.warn("content of " + c.name() + " does not match its name; not migrated");
    }

    private void conflict(Content c) {
        c.ok = false;
        report.conflictCount++;
        if (report.conflicts.size() < MAX_LISTED) report.conflicts.add(c.name());
        progress.warn(c.name() + " is already at the target with another size; left as it is");
    }

    // ---------------------------------------------------------------------------------------------
    // phase 2
    // ---------------------------------------------------------------------------------------------

    private void verify(Map<String, Content> contents, MigrationJournal journal) throws IOException {
        Filestore at = o.direction() == Direction.TO_BUCKET ? bucket : local;
        progress.phase("verify", contents.size(), "files");
        Map<String, Long> sizes = sizes(at);
        ExecutorService pool = pool("lifeboat-verify");
        try {
            List<Future<?>> window = new ArrayList<>();
            for (Content c : contents.values()) {
                if (!c.ok) {
                    progress.advance(1);
                    continue;
                }
                checkpoint.run();
                window.add(pool.submit(() -> {
                    verifyOne(at, c, sizes.get(c.sha1), journal);
                    return null;
                }));
                if (window.size() >= o.jobs() * 8) drain(window, window.size() / 2);
            }
            drain(window, window.size());
        } finally {
            pool.shutdownNow();
        }
    }

    private void verifyOne(Filestore at, Content c, Long size, MigrationJournal journal) throws IOException {
        String why = null;
        boolean readBack = false;
        if (size == null) why = "not found at the target";
        else if (c.sourceSize >= 0 && size != c.sourceSize) why = "has " + size + " bytes, the source " + c.sourceSize;
        else if (o.verifyRead() || !journal.placed(c.sha1, size)) {
            readBack = true;
            String actual;
            try {
                actual = at.hash(c.name()).sha1();
            } catch (NoSuchFileException | ObjectNotFoundException e) {
                actual = null;
            }
            if (actual == null) why = "not found at the target";
            else if (!actual.equals(c.sha1)) why = "content at the target hashes to " + actual;
        }
        synchronized (report) {
            if (readBack) report.readBack++;
            if (why == null) {
                report.verified++;
                c.targetSize = size;
            } else {
                c.ok = false;
                report.verifyFailedCount++;
                if (report.verifyFailed.size() < MAX_LISTED) report.verifyFailed.add(c.name() + ": " + why);
                progress.warn(c.name() + " " + why + "; its rows and source copy are left as they are");
            }
        }
        progress.advance(1);
    }

    /** Rewrites the rows of verified contents from the source layout to the target's, in batches. */
    private void rewrite(Map<String, Content> contents) {
        if (source.equals(target)) return;
        progress.phase("rewrite attachments", report.rowsToRewrite, "rows");
        try (Connection c = pg.open(database)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE ir_attachment SET store_fname = ? WHERE id = ? AND store_fname = ?")) {
                int inBatch = 0;
                for (Content content : contents.values()) {
                    if (!content.ok) continue;
                    String from = source.storeFname(content.sha1);
                    String to = target.storeFname(content.sha1);
                    for (long[] id : content.rowIds) {
                        ps.setString(1, to);
                        ps.setLong(2, id[0]);
                        ps.setString(3, from);
                        ps.addBatch();
                        if (++inBatch == o.batchSize()) {
                            commit(c, ps, inBatch);
                            inBatch = 0;
                            checkpoint.run();
                        }
                    }
                }
                if (inBatch > 0) commit(c, ps, inBatch);
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot rewrite store_fname in database " + database + ": " + e.getMessage(),
                    "Batches committed so far stay (each row names content verified at the target);"
                            + " run the same command again to go on. The role needs UPDATE on ir_attachment.",
                    e);
        }
    }

    private void commit(Connection c, PreparedStatement ps, int n) throws SQLException {
        long changed = 0;
        for (int r : ps.executeBatch()) changed += Math.max(r, 0);
        c.commit();
        report.rowsRewritten += changed;
        report.rowsChanged += n - changed;
        progress.advance(n);
    }

    /**
     * After a migration to a bucket: removes each verified content's local file unless kept, or still named
     * by a row in the local layout (a row outside the scope, or one changed meanwhile).
     */
    private void removeSources(Map<String, Content> contents) throws IOException {
        if (o.direction() != Direction.TO_BUCKET || o.keepSource()) return;
        List<Content> candidates = new ArrayList<>();
        for (Content c : contents.values()) if (c.ok && c.sourceSize >= 0) candidates.add(c);
        progress.phase("remove local copies", candidates.size(), "files");
        Set<String> inUse = stillNamedLocally(candidates);
        for (Content c : candidates) {
            checkpoint.run();
            if (inUse.contains(c.sha1)) {
                report.sourceKeptInUse++;
            } else if (local.delete(c.name(), c.sourceSize)) {
                report.sourceRemoved++;
                report.sourceRemovedBytes += c.sourceSize;
            }
            progress.advance(1);
        }
        local.sync();
    }

    /**
     * The SHA-1s of {@code candidates} that a row still names as a local file: any row for a layout that
     * rewrites store_fname, a row outside the scope for the plain layout (whose rows all look local).
     */
    private Set<String> stillNamedLocally(List<Content> candidates) {
        Set<String> inUse = new HashSet<>();
        boolean plain = o.layout().kind() == AttachmentLayout.Kind.PLAIN;
        String sql = "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname = ANY(?)"
                + (plain ? scopeSql(false) : "");
        try (Connection c = pg.open(database)) {
            for (int from = 0; from < candidates.size(); from += 10_000) {
                List<String> names = candidates.subList(from, Math.min(candidates.size(), from + 10_000)).stream()
                        .map(Content::name)
                        .toList();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    Array array = c.createArrayOf("text", names.toArray());
                    ps.setArray(1, array);
                    if (plain) bindScope(ps, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StoreFname.parse(rs.getString(1)).ifPresent(f -> inUse.add(f.sha1()));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot read attachments of database " + database + ": " + e.getMessage(),
                    "No local file was removed; run the same command again.",
                    e);
        }
        return inUse;
    }

    /** {@code --jobs} daemon threads named {@code name}. */
    private ExecutorService pool(String name) {
        return Executors.newFixedThreadPool(o.jobs(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
    }

    /**
     * A local file as upload content: each read checks, when the last byte is reached, that the bytes
     * hash to the expected SHA-1 and that there are exactly {@code size} of them, and fails before
     * handing out that last byte when not, so a changed or corrupt file never completes an upload.
     */
    record CheckedFile(Path file, String sha1, long size) implements ContentSource {
        @Override
        public long length() {
            return size;
        }

        @Override
        public InputStream open() throws IOException {
            InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
            MessageDigest md = sha1Digest();
            return new FilterInputStream(in) {
                long seen;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n < 0) {
                        if (seen != size) throw changed();
                        return -1;
                    }
                    md.update(b, off, n);
                    seen += n;
                    if (seen > size) throw changed();
                    if (seen == size) {
                        String actual = HexFormat.of().formatHex(md.digest());
                        if (!actual.equals(sha1)) {
                            // permanent: a retry would read the same bytes
                            throw new PermanentStorageException(
                                    "content of " + file + " does not match its name",
                                    new ContentMismatchException(sha1.substring(0, 2) + "/" + sha1, actual));
                        }
                    }
                    return n;
                }

                private IOException changed() {
                    return new PermanentStorageException(file + " changed size while it was uploaded");
                }

                @Override
                public long skip(long n) throws IOException {
                    throw new IOException("skip not supported");
                }
            };
        }
    }

    static MessageDigest sha1Digest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
