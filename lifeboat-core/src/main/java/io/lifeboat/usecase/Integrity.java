package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckFindingKind;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.RepairRequest;
import io.lifeboat.api.RepairResult;
import io.lifeboat.api.RepairUnquarantineRequest;
import io.lifeboat.api.RepairUnquarantineResult;
import io.lifeboat.check.CheckOptions;
import io.lifeboat.check.CheckReport;
import io.lifeboat.check.FilestoreChecker;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingKind;
import io.lifeboat.check.FindingsCsv;
import io.lifeboat.check.ModelSummary;
import io.lifeboat.check.PrometheusMetrics;
import io.lifeboat.check.StorageInfo;
import io.lifeboat.check.Totals;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.filestore.LocalFilestore;
import io.lifeboat.odoo.AttachmentLayout;
import io.lifeboat.repair.ContentProvider;
import io.lifeboat.repair.FilestoreQuarantine;
import io.lifeboat.repair.FilestoreRepair;
import io.lifeboat.repair.IrrecoverableExport;
import io.lifeboat.repair.PlannedFile;
import io.lifeboat.repair.RepairOptions;
import io.lifeboat.repair.RepairPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Check and repair: the read-only comparison of {@code ir_attachment} with the filestore, and the
 * surgical repair built on it (check, plan, apply, quarantine of orphans, check again), wired from the
 * engines of {@code io.lifeboat.check} and {@code io.lifeboat.repair}. Failures are {@link
 * LifeboatException}s; an unexpected I/O failure is an {@link UncheckedIOException} whose cause is the
 * engine's {@link IOException}. See {@link io.lifeboat.Lifeboat}.
 */
public final class Integrity {
    private final Context context;

    public Integrity(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    /** A step that may fail with an {@link IOException}. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code step}: an {@link IOException} becomes an {@link UncheckedIOException}, and any failure
     * once the observer cancelled is reported as {@code CANCELLED} (the failure that unwound the engine
     * is kept as suppressed).
     */
    private static <T> T guarded(Reporting progress, Step<T> step) {
        try {
            try {
                return step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } catch (RuntimeException e) {
            if (progress.cancellation().isCancelled()
                    && !(e instanceof LifeboatException le && le.kind() == Kind.CANCELLED)) {
                try {
                    progress.checkCancelled();
                } catch (LifeboatException cancelled) {
                    cancelled.addSuppressed(e);
                    throw cancelled;
                }
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // check
    // ---------------------------------------------------------------------------------------------

    /**
     * Checks the database's attachments against its filestore, read-only; a filestore directory that is
     * missing while rows reference files is one failure (a wrong data_dir), not a finding per file.
     */
    public CheckResult check(CheckRequest request, Observer observer) {
        Reporting progress = new Reporting(observer);
        return guarded(progress, () -> {
            progress.checkCancelled();
            Context.Target target = context.resolve(request.database());
            CheckOptions options = request.deep() ? CheckOptions.deepCheck() : CheckOptions.fast();
            if (request.jobs() != null) options = options.withThreads(Math.max(1, request.jobs()));
            CheckReport report;
            if (request.bucket() != null) {
                try (ObjectStorage.Bucket b = ObjectStorage.open(request.bucket())) {
                    report = FilestoreChecker.check(
                            target.connection(), target.database(), b.filestore(), b.layout(), options, progress);
                }
            } else {
                context.requireFilestore(target);
                report = FilestoreChecker.check(
                        target.connection(), target.database(), target.filestore(), options, progress);
            }
            if (request.metricsFile() != null) PrometheusMetrics.write(request.metricsFile(), report, Instant.now());
            return result(report);
        });
    }

    /** Writes findings as RFC 4180 CSV with a header row, one finding per line (spreadsheet-safe). */
    public static void writeCsv(List<CheckFinding> findings, Writer out) throws IOException {
        FindingsCsv.write(out, findings.stream().map(Integrity::finding).toList());
    }

    // ---------------------------------------------------------------------------------------------
    // repair
    // ---------------------------------------------------------------------------------------------

    /**
     * Plans the restoration of the files the database references but its filestore lacks, and with
     * {@link RepairRequest#apply()} carries it out: places the files, quarantines orphans when asked,
     * then checks again.
     */
    public RepairResult repair(RepairRequest request, Observer observer) {
        if (request.batchSize() < 1) {
            throw new LifeboatException(Kind.USAGE, "the batch size must be at least 1", null);
        }
        Reporting progress = new Reporting(observer);
        return guarded(progress, () -> {
            progress.checkCancelled();
            Context.Target target = context.resolve(request.database());
            List<ContentProvider> sources = new ArrayList<>();
            Context.OpenRepository opened = null;
            try {
                // 1. Open the sources first: a bad path fails before the database is read.
                for (Path p : request.sources()) sources.add(source(p));
                if (request.fromRepository()) {
                    opened = context.openRepository(true);
                    sources.add(ContentProvider.repository(opened.repo()));
                }
                return repair(request, target, sources, progress);
            } finally {
                try {
                    for (ContentProvider s : sources) s.close();
                } finally {
                    if (opened != null) opened.close();
                }
            }
        });
    }

    private RepairResult repair(
            RepairRequest request, Context.Target target, List<ContentProvider> sources, Reporting progress)
            throws IOException {
        if (request.bucket() == null) {
            return repair(
                    request,
                    target,
                    sources,
                    new LocalFilestore(target.filestore()).withOwnershipOfRoot(),
                    null,
                    progress);
        }
        if (request.quarantineOrphans()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "orphans are quarantined only in a local filestore",
                    "Repair the bucket without --quarantine-orphans; 'lifeboat check --bucket' lists its orphans.");
        }
        try (ObjectStorage.Bucket b = ObjectStorage.open(request.bucket())) {
            return repair(request, target, sources, b.filestore(), b.layout(), progress);
        }
    }

    /** The repair of {@code filestore} ({@code layout} null: the local one, orphans may be quarantined). */
    private RepairResult repair(
            RepairRequest request,
            Context.Target target,
            List<ContentProvider> sources,
            Filestore filestore,
            AttachmentLayout layout,
            Reporting progress)
            throws IOException {
        AttachmentLayout rows = layout == null ? AttachmentLayout.plain() : layout;
        // 2. Find what is missing, then where its content is.
        CheckReport before = FilestoreChecker.check(
                target.connection(), target.database(), filestore, rows, CheckOptions.fast(), progress);
        FilestoreRepair repair = new FilestoreRepair(filestore, sources);
        RepairPlan plan = repair.plan(before, progress);
        List<Finding> orphans = request.quarantineOrphans() ? FilestoreQuarantine.orphans(before) : List.of();
        if (request.exportIrrecoverable() != null) {
            IrrecoverableExport.write(request.exportIrrecoverable(), plan.irrecoverable());
        }
        if (!request.apply()) {
            return new RepairResult(result(before), plan(plan), findings(orphans), false, null, null, null);
        }
        // 3. Apply: place the files, quarantine orphans, then prove the result with a fresh check.
        progress.checkCancelled();
        io.lifeboat.repair.RepairResult applied = repair.apply(plan, new RepairOptions(request.batchSize()), progress);
        FilestoreQuarantine.Result quarantined = null;
        if (request.quarantineOrphans()) {
            Path base = request.quarantineDir() != null
                    ? request.quarantineDir()
                    : dataDir(target).resolve("filestore-quarantine").resolve(target.database());
            quarantined =
                    FilestoreQuarantine.quarantine(before, target.filestore(), base, target.connection(), progress);
        }
        CheckReport after = FilestoreChecker.check(
                target.connection(), target.database(), filestore, rows, CheckOptions.fast(), progress);
        return new RepairResult(
                result(before),
                plan(plan),
                findings(orphans),
                true,
                applied(applied),
                quarantined == null ? null : quarantine(quarantined),
                result(after));
    }

    /** Moves the files a quarantine's manifest lists back into the filestore, never overwriting. */
    public RepairUnquarantineResult unquarantine(RepairUnquarantineRequest request, Observer observer) {
        Reporting progress = new Reporting(observer);
        return guarded(progress, () -> {
            progress.checkCancelled();
            Path filestore = request.database() != null
                    ? context.resolve(request.database()).filestore()
                    : null;
            FilestoreQuarantine.RestoreResult r =
                    FilestoreQuarantine.unquarantine(request.manifest(), filestore, progress);
            return new RepairUnquarantineResult(r.restored(), r.present(), r.absent());
        });
    }

    private static Path dataDir(Context.Target target) {
        return target.dataDir() != null
                ? target.dataDir()
                : target.filestore().toAbsolutePath().getParent().getParent();
    }

    /** A zip (by its first bytes) or a directory. */
    static ContentProvider source(Path p) throws IOException {
        if (Files.isDirectory(p)) return ContentProvider.directory(p);
        if (!Files.isRegularFile(p)) {
            throw new LifeboatException(
                    Kind.USAGE, "repair source " + p + " does not exist", "Give an Odoo .zip or a directory.");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(p)) {
            head = in.readNBytes(4);
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return ContentProvider.zip(p);
        }
        throw new LifeboatException(
                Kind.USAGE,
                "repair source " + p + " is neither a zip nor a directory",
                "Give an Odoo backup .zip or a directory holding filestore files.");
    }

    // ---------------------------------------------------------------------------------------------
    // The engines' reports as result records
    // ---------------------------------------------------------------------------------------------

    static CheckResult result(CheckReport r) {
        StorageInfo s = r.storage();
        Totals t = r.totals();
        Map<CheckFindingKind, Long> counts = new EnumMap<>(CheckFindingKind.class);
        r.counts().forEach((k, v) -> counts.put(kind(k), v));
        return new CheckResult(
                r.database(),
                r.filestore(),
                r.deep(),
                r.startedAt(),
                r.seconds(),
                new CheckResult.Storage(
                        s.location(),
                        s.configured(),
                        s.rows(),
                        s.fileRows(),
                        s.databaseRows(),
                        s.urlRows(),
                        s.emptyRows(),
                        s.externalRows()),
                new CheckResult.Totals(
                        t.files(),
                        t.bytes(),
                        t.referencedFiles(),
                        t.missingFiles(),
                        t.orphanFiles(),
                        t.orphanBytes(),
                        t.markers(),
                        t.staleMarkers(),
                        t.strayEntries(),
                        t.hashedFiles(),
                        t.hashedBytes(),
                        t.filestoreSeconds(),
                        t.databaseSeconds()),
                counts,
                r.byModel().stream().map(Integrity::summary).toList(),
                findings(r.findings()),
                r.warnings());
    }

    static CheckFindingKind kind(FindingKind k) {
        return CheckFindingKind.valueOf(k.name());
    }

    private static CheckResult.ModelSummary summary(ModelSummary m) {
        return new CheckResult.ModelSummary(kind(m.kind()), m.resModel(), m.rows(), m.files(), m.bytes());
    }

    static CheckFinding finding(Finding f) {
        return new CheckFinding(
                kind(f.kind()),
                f.id(),
                f.resModel(),
                f.resId(),
                f.resField(),
                f.name(),
                f.storeFname(),
                f.fileSize(),
                f.createDate(),
                f.detail());
    }

    private static Finding finding(CheckFinding f) {
        return new Finding(
                FindingKind.valueOf(f.kind().name()),
                f.id(),
                f.resModel(),
                f.resId(),
                f.resField(),
                f.name(),
                f.storeFname(),
                f.fileSize(),
                f.createDate(),
                f.detail());
    }

    static List<CheckFinding> findings(List<Finding> findings) {
        return findings.stream().map(Integrity::finding).toList();
    }

    static RepairResult.Plan plan(RepairPlan p) {
        return new RepairResult.Plan(
                p.database(),
                p.filestore(),
                p.files().stream().map(Integrity::planned).toList(),
                p.bytes(),
                findings(p.irrecoverable()),
                p.sources());
    }

    private static RepairResult.PlannedFile planned(PlannedFile f) {
        return new RepairResult.PlannedFile(f.sha1(), f.relative(), f.size(), f.source(), f.rowIds(), f.models());
    }

    static RepairResult.Applied applied(io.lifeboat.repair.RepairResult r) {
        return new RepairResult.Applied(
                r.placed().stream()
                        .map(p -> new RepairResult.Placed(p.relative(), p.size(), p.source()))
                        .toList(),
                r.present(),
                r.failed().stream()
                        .map(f -> new RepairResult.Failed(f.relative(), f.reason()))
                        .toList(),
                r.bytes(),
                r.batches());
    }

    static RepairResult.Quarantine quarantine(FilestoreQuarantine.Result q) {
        return new RepairResult.Quarantine(
                q.directory(),
                q.manifest(),
                q.moved().stream()
                        .map(e -> new RepairResult.QuarantinedFile(e.relative(), e.size(), e.markedForGc()))
                        .toList(),
                q.kept(),
                q.bytes());
    }
}
