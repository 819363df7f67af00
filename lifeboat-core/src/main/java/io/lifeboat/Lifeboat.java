package io.lifeboat;

import io.lifeboat.api.BackupAllRequest;
import io.lifeboat.api.BackupAllResult;
import io.lifeboat.api.BackupRequest;
import io.lifeboat.api.BackupResult;
import io.lifeboat.api.BaseBackupRequest;
import io.lifeboat.api.BaseBackupResult;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import io.lifeboat.api.CleanupRequest;
import io.lifeboat.api.CleanupResult;
import io.lifeboat.api.DatabasesRequest;
import io.lifeboat.api.DatabasesResult;
import io.lifeboat.api.DemoRequest;
import io.lifeboat.api.DemoResult;
import io.lifeboat.api.DrillRequest;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.ExportRequest;
import io.lifeboat.api.ExportResult;
import io.lifeboat.api.FilestoreCaptureRequest;
import io.lifeboat.api.FilestoreCaptureResult;
import io.lifeboat.api.FilestoreMigrateRequest;
import io.lifeboat.api.FilestoreMigrateResult;
import io.lifeboat.api.ForgetPolicy;
import io.lifeboat.api.ForgetRequest;
import io.lifeboat.api.ForgetResult;
import io.lifeboat.api.ImportRequest;
import io.lifeboat.api.ImportResult;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrActivityResult;
import io.lifeboat.api.PitrCountsResult;
import io.lifeboat.api.PitrDiffRequest;
import io.lifeboat.api.PitrDiffResult;
import io.lifeboat.api.PitrDrillRequest;
import io.lifeboat.api.PitrRepairResult;
import io.lifeboat.api.PitrSide;
import io.lifeboat.api.PitrWindowRequest;
import io.lifeboat.api.PitrWindowResult;
import io.lifeboat.api.PruneRequest;
import io.lifeboat.api.PruneResult;
import io.lifeboat.api.RecoverRequest;
import io.lifeboat.api.RecoverResult;
import io.lifeboat.api.RepairRequest;
import io.lifeboat.api.RepairResult;
import io.lifeboat.api.RepairUnquarantineRequest;
import io.lifeboat.api.RepairUnquarantineResult;
import io.lifeboat.api.RepoInitRequest;
import io.lifeboat.api.RepoInitResult;
import io.lifeboat.api.RepoUnlockRequest;
import io.lifeboat.api.RepoUnlockResult;
import io.lifeboat.api.RepoWriterKeyRequest;
import io.lifeboat.api.RepoWriterKeyResult;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import io.lifeboat.api.RollbackRequest;
import io.lifeboat.api.RollbackResult;
import io.lifeboat.api.SnapshotsRequest;
import io.lifeboat.api.SnapshotsResult;
import io.lifeboat.api.StatsRequest;
import io.lifeboat.api.StatsResult;
import io.lifeboat.api.VerifyRequest;
import io.lifeboat.api.VerifyResult;
import io.lifeboat.api.WalArchiverRequest;
import io.lifeboat.api.WalArchiverResult;
import io.lifeboat.api.WalGetRequest;
import io.lifeboat.api.WalGetResult;
import io.lifeboat.api.WalPushRequest;
import io.lifeboat.api.WalPushResult;
import io.lifeboat.api.WalVerifyRequest;
import io.lifeboat.api.WalVerifyResult;
import io.lifeboat.config.InstanceConfig;
import io.lifeboat.usecase.Backups;
import io.lifeboat.usecase.Context;
import io.lifeboat.usecase.Drills;
import io.lifeboat.usecase.Integrity;
import io.lifeboat.usecase.ObjectStorage;
import io.lifeboat.usecase.Pitr;
import io.lifeboat.usecase.PitrDrills;
import io.lifeboat.usecase.PitrRepairs;
import io.lifeboat.usecase.Restores;
import io.lifeboat.usecase.Snapshots;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

/**
 * Lifeboat as a library: one object opened from one immutable {@link LifeboatSettings}, with one method
 * per use case. Each method takes an immutable request record and an {@link io.lifeboat.api.Observer}
 * (progress events, cancellation) and returns an immutable result record of {@link io.lifeboat.api};
 * failures are {@link LifeboatException}s whose {@link LifeboatException.Kind} front ends map to exit
 * codes or HTTP statuses. The CLI and the server are thin adapters over this class.
 *
 * <p>It is thread-safe: a server may run several operations at once on one instance.
 */
public final class Lifeboat implements AutoCloseable {
    private final LifeboatSettings settings;
    private final Context context;
    private final Backups backups;
    private final Restores restores;
    private final Integrity integrity;
    private final Snapshots snapshots;
    private final Pitr pitr;
    private final ObjectStorage objectStorage;
    private final PitrRepairs pitrRepairs;
    private final Drills drills;
    private final PitrDrills pitrDrills;

    private Lifeboat(LifeboatSettings settings) {
        this.settings = settings;
        this.context = new Context(settings);
        this.backups = new Backups(context);
        this.restores = new Restores(context);
        this.integrity = new Integrity(context);
        this.snapshots = new Snapshots(context);
        this.pitr = new Pitr(context);
        this.objectStorage = new ObjectStorage(context);
        this.pitrRepairs = new PitrRepairs(context);
        this.drills = new Drills(context, restores, integrity);
        this.pitrDrills = new PitrDrills(context, pitr);
    }

    /** Opens a facade; nothing is connected until a use case needs it. */
    public static Lifeboat open(LifeboatSettings settings) {
        return new Lifeboat(settings);
    }

    public LifeboatSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------------------------------------
    // Backups: backup to a zip, a dump or a repository; databases; cleanup of leftovers.
    // ---------------------------------------------------------------------------------------------

    /**
     * Backs up one database: to an Odoo zip or a pg_dump custom-format file (or a stream), or to a
     * snapshot in the repository of the settings (a writer key suffices).
     *
     * @throws LifeboatException {@code CONFLICT} when the output file exists, {@code INTEGRITY} when a
     *     strict backup finds a referenced file missing or corrupt, {@code CANCELLED} when cancelled; a
     *     failed backup leaves no file and no snapshot behind
     */
    public BackupResult backup(BackupRequest request, Observer observer) {
        return backups.backup(request, observer);
    }

    /**
     * Backs up every Odoo database of the instance into a directory, one file each; a failed backup
     * is reported in the result and the others go on. A cancellation stops them all.
     */
    public BackupAllResult backupAll(BackupAllRequest request, Observer observer) {
        return backups.backupAll(request, observer);
    }

    /** The Odoo databases of the instance as Odoo lists them (list_db, db_name, dbfilter). */
    public DatabasesResult databases(DatabasesRequest request, Observer observer) {
        return backups.databases(request, observer);
    }

    /**
     * Lists what interrupted or killed runs left behind (temporary databases, restore roles, temporary
     * filestore directories, partial files) and removes those of runs known to be gone.
     */
    public CleanupResult cleanup(CleanupRequest request, Observer observer) {
        return backups.cleanup(request, observer);
    }

    /**
     * The whole cycle with no Odoo at hand, on a throwaway PostgreSQL (the newest one installed): creates
     * a synthetic Odoo-like database, backs it up to a zip, restores the zip as a neutralized copy and
     * verifies it. Needs no instance or repository settings; pg_dump and pg_restore are looked for on the
     * {@code PATH} of the settings' environment too.
     */
    public DemoResult createDemo(DemoRequest request, Observer observer) {
        return backups.demo(request, observer);
    }

    /**
     * The retention decision of {@code forget} for any list of backup times, newest first: for each, the
     * reasons to keep it (empty: it may be forgotten). The server applies it to its own backups.
     */
    public static List<List<String>> retention(
            List<java.time.Instant> newestFirst, ForgetPolicy policy, java.time.ZoneId zone) {
        return Snapshots.keepReasons(newestFirst, policy, zone);
    }

    /** This machine's name: the instance a snapshot is labelled with when a request names none. */
    public static String machineName() {
        return Backups.machineName();
    }

    // (end of backups)

    // ---------------------------------------------------------------------------------------------
    // Restores: restore from a zip, a dump, a directory dump or a snapshot; rollback.
    // ---------------------------------------------------------------------------------------------

    /**
     * Restores a backup (a zip, a dump file or directory, a repository snapshot, or a stream) into a new
     * database, or over an existing one keeping it as a rollback point; with {@link
     * RestoreRequest#dryRun()}, only says what it would do. Everything is restored aside and verified before
     * it takes the target's name: a failure or a cancellation leaves no temporary database, role, filestore
     * directory or spooled file behind.
     */
    public RestoreResult restore(RestoreRequest request, Observer observer) {
        return restores.restore(request, observer);
    }

    /** Swaps the newest rollback point of a database back in, lists its rollback points, or discards them. */
    public RollbackResult rollback(RollbackRequest request, Observer observer) {
        return restores.rollback(request, observer);
    }

    /**
     * A restore drill: restores the backup into a scratch database and filestore (a neutralized copy),
     * verifies it (module base and users, row counts of the largest tables against the dump's, every
     * referenced file present and hashed, or a random sample hashed, and optionally an HTTP probe of an Odoo
     * serving it), measures RTO and RPO, and removes the copy, also after a failure or an interruption
     * (docs/drills.md). A backup that fails the drill is a result with {@code passed = false}, not an error.
     *
     * @throws LifeboatException {@code USAGE} when the source does not exist or the scratch name is invalid,
     *     {@code CONFLICT} when the scratch database or filestore exists, {@code CANCELLED} when cancelled (the
     *     copy removed)
     */
    public DrillResult drill(DrillRequest request, Observer observer) {
        return drills.drill(request, observer);
    }

    /**
     * A point-in-time drill: recovers a side copy of the cluster from the newest base backup and the WAL
     * archive at a recent point (the newest the archive holds, or a time), verifies an Odoo database in it
     * (module base and users) and its filestore placed from the repository, measures RTO and RPO (the age of
     * the recovered point at the start), and stops and removes the copy, also after a failure or an
     * interruption (docs/drills.md). A recovery that fails is a result with {@code passed = false}. Needs the
     * repository's secret key.
     *
     * @throws LifeboatException {@code USAGE} for a time without a zone or an invalid database name, {@code
     *     CONFLICT} when the directory is not empty, {@code CANCELLED} when cancelled (the copy removed)
     */
    public DrillResult drillPointInTime(PitrDrillRequest request, Observer observer) {
        return pitrDrills.drill(request, observer);
    }

    // (end of restores)

    // ---------------------------------------------------------------------------------------------
    // Integrity: check, repair (plan, apply, quarantine).
    // ---------------------------------------------------------------------------------------------

    /**
     * Compares a database's {@code ir_attachment} rows with its filestore, read-only: files missing,
     * orphans, corrupt content (deep), sizes and checksums that disagree, unsafe {@code store_fname}
     * values. Writes nothing to the database or the filestore (only {@link CheckRequest#metricsFile()}
     * when asked).
     *
     * @throws LifeboatException when the check cannot run (the filestore directory is missing while
     *     rows reference files, the database cannot be read, cancelled)
     */
    public CheckResult check(CheckRequest request, Observer observer) {
        return integrity.check(request, observer);
    }

    /** Writes a check's findings as CSV (RFC 4180, a header row, one finding per line) to {@code out}. */
    public void writeFindingsCsv(List<CheckFinding> findings, Writer out) throws IOException {
        Integrity.writeCsv(findings, out);
    }

    /**
     * Restores the filestore files a database references but lacks, from Odoo zips, directories or the
     * repository's snapshots: a fast check, the plan, and — with {@link RepairRequest#apply()} — the
     * files placed (never overwriting, verified by SHA-1, in re-checked batches), orphans quarantined
     * when asked, and a check after. Nothing is ever deleted.
     */
    public RepairResult repair(RepairRequest request, Observer observer) {
        return integrity.repair(request, observer);
    }

    /** Moves the files a quarantine's manifest lists back into the filestore, never overwriting. */
    public RepairUnquarantineResult unquarantine(RepairUnquarantineRequest request, Observer observer) {
        return integrity.unquarantine(request, observer);
    }

    // (end of integrity)

    // ---------------------------------------------------------------------------------------------
    // Repository: snapshots, forget, prune, verify, export, import, stats, init, keys, unlock.
    // ---------------------------------------------------------------------------------------------

    /** Lists snapshots, oldest first, filtered as the request says. Works with a writer key. */
    public SnapshotsResult snapshots(SnapshotsRequest request, Observer observer) throws IOException {
        return snapshots.snapshots(request, observer);
    }

    /**
     * Applies a retention policy per instance and database (the newest of each always kept), then prunes
     * when asked. Needs the secret key, except for a dry run.
     */
    public ForgetResult forget(ForgetRequest request, Observer observer) throws IOException {
        return snapshots.forget(request, observer);
    }

    /** The retention policy a configured instance asks for, as a {@link ForgetRequest} takes it. */
    public static ForgetPolicy retentionOf(InstanceConfig instance) {
        return Snapshots.policy(instance);
    }

    /** Deletes data no snapshot uses. Needs the secret key. */
    public PruneResult prune(PruneRequest request, Observer observer) throws IOException {
        return snapshots.prune(request, observer);
    }

    /** Checks a repository's structure and, when asked, its data. Needs the secret key. */
    public VerifyResult verify(VerifyRequest request, Observer observer) throws IOException {
        return snapshots.verify(request, observer);
    }

    /** Writes a snapshot as an Odoo-standard backup zip. Needs the secret key. */
    public ExportResult export(ExportRequest request, Observer observer) throws IOException {
        return snapshots.export(request, observer);
    }

    /** Stores Odoo zips and dumps in the repository as snapshots. Works with a writer key. */
    public ImportResult importArchives(ImportRequest request, Observer observer) throws IOException {
        return snapshots.importArchives(request, observer);
    }

    /** A repository's sizes, deduplication and compression. Works with a writer key. */
    public StatsResult stats(StatsRequest request, Observer observer) throws IOException {
        return snapshots.stats(request, observer);
    }

    // ---------------------------------------------------------------------------------------------
    // Point-in-time recovery: WAL archive, base backups, side copies (docs/pitr.md).
    // ---------------------------------------------------------------------------------------------

    /** Archives one WAL file (synchronous archive_command). Works with a writer key. */
    public WalPushResult walPush(WalPushRequest request) throws IOException {
        return pitr.walPush(request);
    }

    /** Fetches one archived WAL file (restore_command). Needs the secret key. */
    public WalGetResult walGet(WalGetRequest request) throws IOException {
        return pitr.walGet(request);
    }

    /** Empties the WAL spool into the repository until cancelled (or once). Works with a writer key. */
    public WalArchiverResult walArchiver(WalArchiverRequest request, Observer observer) throws IOException {
        return pitr.walArchiver(request, observer);
    }

    /** The WAL archive's continuity and base backups' recoverable windows. Works with a writer key. */
    public WalVerifyResult walVerify(WalVerifyRequest request) throws IOException {
        return pitr.walVerify(request);
    }

    /** Takes a base backup of the instance's cluster into the repository. Works with a writer key. */
    public BaseBackupResult baseBackup(BaseBackupRequest request, Observer observer) throws IOException {
        return pitr.baseBackup(request, observer);
    }

    /** Captures filestore files written since the last capture, once or periodically. Writer key suffices. */
    public FilestoreCaptureResult filestoreCapture(FilestoreCaptureRequest request, Observer observer)
            throws IOException {
        return pitr.filestoreCapture(request, observer);
    }

    /**
     * Moves the database's filestore to a bucket or back, in two phases (place, then verify and commit);
     * resumable and idempotent. See docs/object-storage.md.
     */
    public FilestoreMigrateResult filestoreMigrate(FilestoreMigrateRequest request, Observer observer) {
        return objectStorage.migrate(request, observer);
    }

    /** Recovers a side copy of a cluster at a target and leaves it running. Needs the secret key. */
    public RecoverResult recover(RecoverRequest request, Observer observer) throws IOException {
        return pitr.recover(request, observer);
    }

    /** Creates a repository at the settings' location and writes its key files. */
    public RepoInitResult repoInit(RepoInitRequest request, Observer observer) throws IOException {
        return snapshots.repoInit(request, observer);
    }

    /** Removes a repository's stale locks and lists the live ones. Works with a writer key. */
    public RepoUnlockResult repoUnlock(RepoUnlockRequest request, Observer observer) throws IOException {
        return snapshots.repoUnlock(request, observer);
    }

    /** Writes a new writer key file for backup machines. Needs the secret key. */
    public RepoWriterKeyResult repoWriterKey(RepoWriterKeyRequest request, Observer observer) throws IOException {
        return snapshots.repoWriterKey(request, observer);
    }

    // (end of repository)

    // ---------------------------------------------------------------------------------------------
    // Process-wide: what a front end needs outside any one operation.
    // ---------------------------------------------------------------------------------------------

    // ---------------------------------------------------------------------------------------------
    // Point-in-time repair: production compared with a side copy recovered before an accident
    // (docs/pitr-diff.md). database null: the settings' database, else the only one.
    // ---------------------------------------------------------------------------------------------

    /** Sessions of production's server that may still be writing: long transactions, idle in transaction. */
    public PitrActivityResult pitrActivity(String database, long olderThanSeconds, int queryChars, Observer observer) {
        return pitrRepairs.activity(database, olderThanSeconds, queryChars, observer);
    }

    /** Rows created and written per time bucket of production's tables: when mass writes happened. */
    public PitrWindowResult pitrWindow(String database, PitrWindowRequest request, Observer observer) {
        return pitrRepairs.window(database, request, observer);
    }

    /** Row counts of production and the side copy, largest difference first. */
    public PitrCountsResult pitrCounts(String database, PitrSide side, List<String> tables, Observer observer) {
        return pitrRepairs.counts(database, side, tables, observer);
    }

    /**
     * Compares tables of production with the side copy and writes a repair plan (and its SQL script).
     *
     * @throws LifeboatException {@code CONFLICT} when an output file exists, {@code USAGE} for a table or model
     *     that does not exist
     */
    public PitrDiffResult pitrDiff(String database, PitrDiffRequest request, Observer observer) {
        return pitrRepairs.diff(database, request, observer);
    }

    /**
     * Checks a repair plan against production and, with {@code apply}, applies it in one transaction.
     *
     * @throws LifeboatException {@code CONFLICT} when production changed since the diff (nothing changed),
     *     {@code INTEGRITY} when the result is not what the plan says (rolled back)
     */
    public PitrRepairResult pitrRepair(String database, Path plan, boolean apply, Path sql, Observer observer) {
        return pitrRepairs.repair(database, plan, apply, sql, observer);
    }

    /** Refuses a database name Odoo would refuse, saying its rule ({@code USAGE}). */
    public static String checkDatabaseName(String name) {
        io.lifeboat.odoo.DatabaseNames.check(name, LifeboatException.Kind.USAGE, "", null);
        return name;
    }

    /** {@code text} with passwords, keys and secret query parameters of storage locations masked. */
    public static String redact(String text) {
        return io.lifeboat.storage.Redaction.redact(text);
    }

    /**
     * A failure to connect to PostgreSQL somewhere in {@code e}'s causes, as an error saying what to check;
     * null when there is none.
     */
    public static LifeboatException connectionFailure(Throwable e) {
        io.lifeboat.postgres.PgConnectException c = io.lifeboat.postgres.PgConnectException.in(e);
        return c == null
                ? null
                : new LifeboatException(LifeboatException.Kind.ENVIRONMENT, c.getMessage(), c.hint(), c);
    }

    /** Calls {@code observer} with each external program (pg_dump, pg_restore…) before it starts, for logs. */
    public static void onProcessStart(java.util.function.Consumer<String> observer) {
        io.lifeboat.postgres.ProcessRunner.observer = observer;
    }

    /**
     * For interrupt handlers, first: from now on no operation of this process commits (renames a backup
     * into place, swaps a restored database in); what they made stays until they unwind or {@link
     * #removeTemporaryItems()} runs.
     */
    public static void stopCommitting() {
        io.lifeboat.runs.RunLedger.cancelAll();
    }

    /** For interrupt handlers, last: removes every temporary item the operations of this process still hold. */
    public static void removeTemporaryItems() {
        io.lifeboat.runs.RunLedger.abortAll();
    }

    /** How many temporary items (databases, roles, directories, partial files) operations hold now. */
    public static int pendingTemporaryItems() {
        return io.lifeboat.runs.RunLedger.pendingCount();
    }

    /** How many temporary items could not be removed so far (they stay recorded for {@code cleanup}). */
    public static int temporaryItemsNotRemoved() {
        return io.lifeboat.runs.RunLedger.notRemovedCount();
    }

    /** Whether {@link #stopCommitting()} was called: the process is being interrupted. */
    public static boolean interrupted() {
        return io.lifeboat.runs.RunLedger.interrupted();
    }

    /**
     * Releases what the facade holds between operations: nothing yet (each operation opens and closes its own
     * connections, repository and worker threads); front ends close it so that this can change.
     */
    @Override
    public void close() {}
}
