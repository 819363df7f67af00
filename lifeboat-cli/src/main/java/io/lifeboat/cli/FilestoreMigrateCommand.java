package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.FilestoreMigrateRequest;
import io.lifeboat.api.FilestoreMigrateResult;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat filestore migrate}: moves a filestore to a bucket and back, in two phases. */
@Command(
        name = "migrate",
        description = {
            "Move a database's filestore to an S3-compatible bucket (--to-bucket) or back to the local filestore"
                    + " (--from-bucket), in two phases.",
            "Phase 1 copies every file the attachments reference that the other side lacks, once per content, on"
                    + " --jobs threads, checking each file's SHA-1 as it is sent; nothing is deleted or rewritten."
                    + " Phase 2 runs only when phase 1 copied all it could: it verifies each copy (size, and a"
                    + " read-back of what this migration did not write itself, or of everything with --verify-read),"
                    + " then rewrites store_fname where the layout needs it, --batch-size rows per transaction, then"
                    + " removes the local files no attachment needs any more (not with --keep-local). Bucket objects"
                    + " are never removed.",
            "Layouts: plain (the key is store_fname, xx/<sha1>; no row changes) and attachment_s3 (store_fname"
                    + " s3://<bucket>/<sha1>, key <sha1>). Run it again after a failure or a kill: it goes on where"
                    + " it stopped. State: <data_dir>/lifeboat/migrate-<database>.journal. See docs/object-storage.md.",
            "Exit codes: 0 done, 3 some files could not be migrated (missing or corrupt; their attachments are"
                    + " left as they were), 1 the run stopped (the storage kept failing: run it again), 2 usage."
        })
final class FilestoreMigrateCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-d", "--database"},
            paramLabel = "NAME",
            description = "The Odoo database (default: the only one, or db_name of odoo.conf).")
    String database;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Direction direction;

    static final class Direction {
        @Option(
                names = "--to-bucket",
                paramLabel = "LOCATION",
                description =
                        "Move local files to this bucket: s3:https://host:port/bucket/prefix or s3:bucket/prefix.")
        String toBucket;

        @Option(
                names = "--from-bucket",
                paramLabel = "LOCATION",
                description = "Bring the files back from this bucket into the local filestore.")
        String fromBucket;
    }

    @Mixin
    BucketAccessOptions access;

    @Option(names = "--dry-run", description = "Count what would be copied; change nothing.")
    boolean dryRun;

    @Option(names = "--max-id", paramLabel = "ID", description = "Only attachments with an id up to ID.")
    Long maxId;

    @Option(
            names = "--models",
            paramLabel = "MODEL",
            split = ",",
            description = "Only attachments of these res_model values (comma-separated).")
    List<String> models = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows rewritten per transaction (default: 500).")
    Integer batchSize;

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Parallel transfers (default: 8).")
    Integer jobs;

    @Option(names = "--verify-read", description = "In phase 2, read back and hash every file, also those just copied.")
    boolean verifyRead;

    @Option(names = "--keep-local", description = "After moving to the bucket, keep the local files.")
    boolean keepLocal;

    @Option(
            names = "--copy-only",
            description = "Stop after phase 1 (copy); run again without it to verify and commit.")
    boolean copyOnly;

    @Override
    public Integer call() throws Exception {
        if (batchSize != null && batchSize < 1) {
            throw new LifeboatException(Kind.USAGE, "--batch-size must be at least 1", "Give a positive number.");
        }
        if (jobs != null && jobs < 1) {
            throw new LifeboatException(Kind.USAGE, "--jobs must be at least 1", "Give a positive number.");
        }
        boolean toBucket = direction.toBucket != null;
        FilestoreMigrateRequest request = new FilestoreMigrateRequest(
                database,
                toBucket,
                toBucket ? direction.toBucket : direction.fromBucket,
                access.options,
                access.layout,
                access.storeBucket,
                dryRun,
                maxId,
                models,
                batchSize,
                jobs,
                verifyRead,
                keepLocal,
                copyOnly);
        FilestoreMigrateResult r;
        try (Lifeboat lifeboat = Facades.open(instance, null);
                TerminalProgress progress = out.progress()) {
            r = lifeboat.filestoreMigrate(request, OutputOptions.observer(progress));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) print(r, System.out);
        return r.hasProblems() ? ExitCode.WARNINGS : ExitCode.OK;
    }

    static void print(FilestoreMigrateResult r, PrintStream o) {
        boolean up = r.direction().equals("to-bucket");
        o.printf(
                "%s%s: database %s, %s %s, layout %s%n",
                r.dryRun() ? "dry run of " : "",
                up ? "migration to the bucket" : "migration back to the local filestore",
                r.database(),
                up ? "bucket" : "from",
                r.bucket(),
                r.layout());
        o.printf(
                "attachments: %d in scope, %d to rewrite, %d already migrated, %d of another storage (left alone)%n",
                r.rowsInScope(), r.rowsToRewrite(), r.rowsAlreadyMigrated(), r.rowsOtherForm());
        o.printf(
                "files: %d distinct, %d %s (%s)%s, %d already there%n",
                r.contents(),
                r.placed(),
                r.dryRun() ? "to copy" : "copied",
                Units.bytes(r.placedBytes()),
                r.dryRun() ? "" : String.format(java.util.Locale.ROOT, " in %.1f s", r.placeSeconds()),
                r.alreadyThere());
        if (!r.dryRun() && r.phase().equals("complete")) {
            o.printf(
                    "verified %d (%d read back); %d attachment rows rewritten%s; %d local files removed (%s)%s%n",
                    r.verified(),
                    r.readBack(),
                    r.rowsRewritten(),
                    r.rowsChanged() > 0 ? " (" + r.rowsChanged() + " changed meanwhile, left as they are)" : "",
                    r.localRemoved(),
                    Units.bytes(r.localRemovedBytes()),
                    r.localKeptInUse() > 0 ? ", " + r.localKeptInUse() + " kept as attachments still use them" : "");
        }
        list(o, "missing on both sides", r.missingSourceCount(), r.missingSource());
        list(o, "content does not match its name, not migrated", r.corruptSourceCount(), r.corruptSource());
        list(o, "already at the target with another size, left as it is", r.conflictCount(), r.conflicts());
        list(o, "failed verification, left as it is", r.verifyFailedCount(), r.verifyFailed());
        o.println(
                switch (r.phase()) {
                    case "planned" -> "dry run: nothing was changed";
                    case "placed" -> "phase 1 done; run again without --copy-only to verify and commit";
                    default ->
                        r.hasProblems()
                                ? "done, with files that could not be migrated (their attachments are unchanged)"
                                : "done";
                });
    }

    private static void list(PrintStream o, String what, long count, List<String> names) {
        if (count == 0) return;
        o.printf("%d %s:%n", count, what);
        for (String n : names) o.printf("  %s%n", n);
        if (count > names.size()) o.printf("  ... and %d more%n", count - names.size());
    }
}
