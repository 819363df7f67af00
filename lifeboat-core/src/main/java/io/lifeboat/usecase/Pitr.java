package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BaseBackupRequest;
import io.lifeboat.api.BaseBackupResult;
import io.lifeboat.api.FilestoreCaptureRequest;
import io.lifeboat.api.FilestoreCaptureResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RecoverRequest;
import io.lifeboat.api.RecoverResult;
import io.lifeboat.api.WalArchiverRequest;
import io.lifeboat.api.WalArchiverResult;
import io.lifeboat.api.WalGetRequest;
import io.lifeboat.api.WalGetResult;
import io.lifeboat.api.WalPushRequest;
import io.lifeboat.api.WalPushResult;
import io.lifeboat.api.WalVerifyRequest;
import io.lifeboat.api.WalVerifyResult;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.pitr.BaseBackups;
import io.lifeboat.pitr.Continuity;
import io.lifeboat.pitr.FilestoreIncrements;
import io.lifeboat.pitr.SideCopy;
import io.lifeboat.pitr.WalArchiver;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.SnapshotInfo;
import io.lifeboat.repository.SnapshotKind;
import io.lifeboat.repository.WalStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The point-in-time recovery use cases of the facade (see {@link io.lifeboat.Lifeboat}): WAL push and
 * get, the resident spool archiver, the archive's continuity, base backups, and side copies at a
 * target.
 */
public final class Pitr {
    private final Context context;

    public Pitr(Context context) {
        this.context = context;
    }

    public WalPushResult walPush(WalPushRequest r) throws IOException {
        long t0 = System.nanoTime();
        Path file = r.file();
        if (file == null || !Files.isRegularFile(file))
            throw new LifeboatException(Kind.USAGE, "no WAL file at " + file, "archive_command passes it as %p.");
        String name = r.name() != null ? r.name() : file.getFileName().toString();
        String system = systemId(r.systemId(), r.dataDir());
        try (Context.OpenRepository open = context.openRepository(false)) {
            WalStore.Pushed p = open.repo().wal().push(system, name, file);
            return new WalPushResult(
                    system,
                    name,
                    p == WalStore.Pushed.STORED ? "stored" : "already-archived",
                    Files.size(file),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    public WalGetResult walGet(WalGetRequest r) throws IOException {
        String system = systemId(r.systemId(), r.dataDir());
        WalFile.parse(r.name());
        Path dest = r.destination().toAbsolutePath();
        try (Context.OpenRepository open = context.openRepository(true)) {
            byte[] content = open.repo().wal().read(system, r.name());
            Path tmp = Files.createTempFile(dest.getParent(), ".lifeboat-wal", ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    out.write(content);
                }
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new WalGetResult(system, r.name(), content.length);
        }
    }

    public WalArchiverResult walArchiver(WalArchiverRequest r, Observer observer) throws IOException {
        try (Context.OpenRepository open = context.openRepository(false)) {
            WalArchiver a = new WalArchiver(
                    open.repo().wal(), r.spool(), r.metricsFile(), r.parallel(), Clock.systemUTC(), warn(observer));
            WalArchiver.Totals t = a.run(r.once(), r.poll(), observer.cancellation());
            return new WalArchiverResult(t.pushed(), t.alreadyArchived(), t.rejected(), t.errors(), t.waiting());
        }
    }

    public WalVerifyResult walVerify(WalVerifyRequest r) throws IOException {
        try (Context.OpenRepository open = context.openRepository(false)) {
            WalStore wal = open.repo().wal();
            List<String> systems = r.systemId() != null ? List.of(r.systemId()) : wal.systems();
            List<SnapshotInfo> bases = open.repo().snapshots().stream()
                    .filter(s -> s.kind() == SnapshotKind.BASE_BACKUP && s.baseBackup() != null)
                    .toList();
            for (SnapshotInfo b : bases) {
                // base backups of clusters whose archive is still empty are listed too
                if (r.systemId() == null && !systems.contains(b.baseBackup().systemId())) {
                    systems = new ArrayList<>(systems);
                    systems.add(b.baseBackup().systemId());
                }
            }
            List<WalVerifyResult.ClusterArchive> reports = new ArrayList<>();
            for (String s : systems) reports.add(api(Continuity.of(s, wal.list(s), bases)));
            return new WalVerifyResult(List.copyOf(reports));
        }
    }

    public BaseBackupResult baseBackup(BaseBackupRequest r, Observer observer) throws IOException {
        var instance = context.instance();
        Path pgBasebackup = context.tools().pgDump().path().resolveSibling("pg_basebackup");
        try (Context.OpenRepository open = context.openRepository(false)) {
            phase(observer, "base backup");
            BaseBackups.Taken t = BaseBackups.take(
                    open.repo(), instance.connection(), pgBasebackup, r.instance(), r.tags(), observer.cancellation());
            SnapshotInfo.BaseBackupInfo i = t.info();
            var wal = new BaseBackupResult.Wal(
                    i.systemId(), i.timeline(), i.startLsn(), i.stopLsn(), i.startWal(), i.stopWal(), i.segmentSize());
            return new BaseBackupResult(t.snapshotId(), wal, t.bytes(), t.storedNew(), t.seconds());
        }
    }

    public RecoverResult recover(RecoverRequest r, Observer observer) throws IOException {
        if (r.directory() == null)
            throw new LifeboatException(Kind.USAGE, "no directory for the side copy", "Name one with --into DIR.");
        var target =
                new SideCopy.Target(SideCopy.TargetKind.valueOf(r.targetKind().name()), r.target());
        var action = SideCopy.Action.valueOf(r.action().name());
        try (Context.OpenRepository open = context.openRepository(true)) {
            SideCopy side = new SideCopy(
                    open.repo(), serverBin(r.pgBin()), r.fetchThreads(), message -> phase(observer, message));
            if (r.filestoreOf() != null) DatabaseNames.check(r.filestoreOf(), Kind.USAGE, "--filestore-of", null);
            SnapshotInfo base = side.chooseBase(r.from(), r.instance(), target);
            SideCopy.Result x =
                    side.recover(base, r.directory(), target, action, r.filestoreOf(), observer.cancellation());
            var f = x.filestore();
            return new RecoverResult(
                    x.baseBackup(),
                    x.systemId(),
                    x.dataDir(),
                    x.host(),
                    x.port(),
                    x.socketDir(),
                    x.reached(),
                    x.stop(),
                    x.lastReplayed(),
                    x.state(),
                    x.walFetched(),
                    x.warnings(),
                    x.seconds(),
                    f == null
                            ? null
                            : new RecoverResult.Filestore(f.referenced(), f.placed(), f.alreadyThere(), f.missing()));
        }
    }

    /** The PostgreSQL server binaries of side copies: {@code given}, else the settings', else the highest installed. */
    Path serverBin(Path given) {
        Path bin = given != null ? given : context.settings().instance().pgBin();
        return bin != null ? bin : PgCluster.defaultBinDir();
    }

    public FilestoreCaptureResult filestoreCapture(FilestoreCaptureRequest r, Observer observer) throws IOException {
        Context.Target t = context.resolve(r.database());
        if (t.filestore() == null || !Files.isDirectory(t.filestore()))
            throw new LifeboatException(
                    Kind.USAGE,
                    "no filestore for database " + t.database() + " at " + t.filestore(),
                    "Name the instance's data_dir with -c odoo.conf or --data-dir.");
        Path state = t.dataDir().resolve("lifeboat").resolve("filestore-captured-" + t.database() + ".txt");
        List<String> snapshots = new ArrayList<>();
        List<String> corrupt = new ArrayList<>();
        int files = 0;
        long bytes = 0;
        int captures = 0;
        try (Context.OpenRepository open = context.openRepository(false)) {
            while (true) {
                FilestoreIncrements.Captured c = FilestoreIncrements.capture(
                        open.repo(), t.filestore(), r.instance(), t.database(), state, observer.cancellation());
                captures++;
                if (c.snapshot() != null) {
                    snapshots.add(c.snapshot());
                    phase(observer, "captured " + c.files() + " new files");
                }
                files += c.files();
                bytes += c.bytes();
                for (String bad : c.corrupt()) {
                    if (!corrupt.contains(bad)) {
                        corrupt.add(bad);
                        warn(observer).accept("filestore file " + bad + " does not match its name; not captured");
                    }
                }
                if (r.every() == null || observer.cancellation().await(r.every())) break;
            }
        }
        return new FilestoreCaptureResult(
                t.database(), captures, List.copyOf(snapshots), files, bytes, List.copyOf(corrupt));
    }

    private static WalVerifyResult.ClusterArchive api(Continuity.Report r) {
        List<WalVerifyResult.Timeline> timelines = r.timelines().stream()
                .map(t -> new WalVerifyResult.Timeline(
                        t.timeline(),
                        t.first(),
                        t.last(),
                        t.segments(),
                        t.gaps().stream()
                                .map(g -> new WalVerifyResult.Gap(g.from(), g.to(), g.segments()))
                                .toList(),
                        t.history(),
                        t.partial(),
                        t.backupLabels()))
                .toList();
        List<WalVerifyResult.Window> windows = r.baseBackups().stream()
                .map(w -> new WalVerifyResult.Window(
                        w.snapshot(), w.time(), w.timeline(), w.from(), w.to(), w.lastSegment(), w.gapAfter()))
                .toList();
        return new WalVerifyResult.ClusterArchive(r.systemId(), timelines, windows);
    }

    private static String systemId(String given, Path dataDir) throws IOException {
        if (given != null) return given;
        Path dir = dataDir != null ? dataDir : Path.of("").toAbsolutePath();
        if (!Files.exists(dir.resolve("global").resolve("pg_control")))
            throw new LifeboatException(
                    Kind.USAGE,
                    "cannot tell which cluster the WAL belongs to: no global/pg_control in " + dir,
                    "Run it as archive_command/restore_command (in the data directory), or give --pgdata DIR or"
                            + " --system-id N.");
        return WalFile.systemIdOf(dir);
    }

    static void phase(Observer o, String name) {
        o.listener()
                .onEvent(new ProgressEvent(
                        o.operation(), ProgressEvent.Type.PHASE, name, "steps", 0, -1, 0, null, null));
    }

    private static Consumer<String> warn(Observer o) {
        return m -> o.listener()
                .onEvent(new ProgressEvent(o.operation(), ProgressEvent.Type.WARNING, null, null, 0, -1, 0, null, m));
    }
}
