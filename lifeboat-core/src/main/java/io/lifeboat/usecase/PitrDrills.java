package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.DrillResult;
import io.lifeboat.api.Observer;
import io.lifeboat.api.PitrDrillRequest;
import io.lifeboat.api.RecoverRequest;
import io.lifeboat.api.RecoverResult;
import io.lifeboat.pitr.SideCopy;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.restore.Scratch;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Point-in-time drills: a side copy of the cluster recovered from the newest base backup and the WAL archive
 * at a recent point, an Odoo database and its filestore verified in it, timed (RTO, RPO), then stopped and
 * removed; see {@link io.lifeboat.Lifeboat#drillPointInTime} and docs/drills.md.
 *
 * <p>Only bad usage (a time without a zone, a directory that is not empty) and a cancellation throw; a
 * recovery that fails is a failed drill, its side copy removed.
 */
public final class PitrDrills {
    /** A time as psql prints a timestamptz in UTC: {@code 2026-12-01 10:31:00.123456+00}. */
    private static final DateTimeFormatter PG_TIMESTAMPTZ = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .appendPattern("X")
            .toFormatter();

    private final Context context;
    private final Pitr pitr;

    public PitrDrills(Context context, Pitr pitr) {
        this.context = context;
        this.pitr = pitr;
    }

    /** Runs the point-in-time drill {@code request}. */
    public DrillResult drill(PitrDrillRequest request, Observer observer) {
        Observer obs = observer == null ? Observer.none() : observer;
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Instant targetTime = request.targetTime() == null ? null : SideCopy.Target.parseTime(request.targetTime());
        Context.Target target = context.resolve(request.database());
        String db = target.database();
        Path dir = (request.directory() != null
                        ? request.directory()
                        : Path.of(System.getProperty("java.io.tmpdir"))
                                .resolve("lifeboat-pitr-drill-" + Drills.suffix(4)))
                .toAbsolutePath()
                .normalize();
        boolean created = !Files.exists(dir);
        if (!created && !isEmptyDirectory(dir)) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    dir + " exists and is not empty",
                    "A point-in-time drill recovers into a directory of its own: name a new or empty one.");
        }
        Path bin = pitr.serverBin(request.pgBin());
        String point = targetTime == null ? "latest" : targetTime.toString();
        List<DrillResult.Step> steps = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        RecoverResult recovered = null;
        LifeboatException cancelled = null;
        boolean baseInstalled = false;
        long users = 0;
        Instant pointTime = targetTime;
        boolean removed = false;
        long rtoMillis;

        RunLedger ledger =
                RunLedger.begin(target.dataDir(), "pitr-drill-" + Drills.suffix(4), "point-in-time drill into " + dir);
        RunLedger.Resource dirRes = RunLedger.Resource.directory(dir);
        try {
            ledger.add(dirRes, () -> {
                if (!remove(bin, dir, created)) throw new IllegalStateException("could not remove " + dir);
            });
            long t0 = System.nanoTime();
            try {
                recovered = pitr.recover(
                        new RecoverRequest(
                                null,
                                null,
                                dir,
                                targetTime == null ? RecoverRequest.TargetKind.LATEST : RecoverRequest.TargetKind.TIME,
                                request.targetTime(),
                                RecoverRequest.Action.PROMOTE,
                                request.fetchThreads(),
                                db,
                                request.pgBin()),
                        obs);
            } catch (LifeboatException e) {
                if (stops(e, obs)) cancelled = e;
                else recoverFailed(steps, failures, t0, e.getMessage());
            } catch (IOException e) {
                recoverFailed(steps, failures, t0, e.getMessage());
            } catch (UncheckedIOException e) {
                recoverFailed(steps, failures, t0, e.getCause().getMessage());
            }
            if (recovered != null) {
                if (targetTime == null) pointTime = replayed(recovered.lastReplayed());
                steps.add(new DrillResult.Step(
                        "recover",
                        (System.nanoTime() - t0) / 1_000_000,
                        true,
                        "base backup " + recovered.baseBackup().substring(0, 8) + " and " + recovered.walFetched()
                                + " WAL files to " + point + ": " + recovered.stop()
                                + (pointTime == null
                                        ? "; no transaction was replayed after the base backup, so the RPO is"
                                                + " unknown"
                                        : "; last replayed transaction " + recovered.lastReplayed())));
                long t1 = System.nanoTime();
                Pitr.phase(obs, "verify");
                String detail;
                try {
                    List<String> row = SideCopy.query(
                            bin,
                            Path.of(recovered.socketDir()),
                            recovered.port(),
                            db,
                            "SELECT (SELECT count(*) FROM ir_module_module WHERE name = 'base' AND state ="
                                    + " 'installed'), (SELECT count(*) FROM res_users)");
                    String[] f = row.get(0).split("\\|", -1);
                    baseInstalled = Long.parseLong(f[0]) > 0;
                    users = Long.parseLong(f[1]);
                    detail = "module base " + (baseInstalled ? "installed" : "not installed") + ", " + users + " users";
                    if (!baseInstalled) failures.add("module base is not installed in " + db);
                    else if (users == 0) failures.add(db + " has no users");
                } catch (IOException | RuntimeException e) {
                    detail = "cannot read " + db + " in the side copy: " + e.getMessage();
                    failures.add(detail);
                }
                steps.add(new DrillResult.Step(
                        "verify_base", (System.nanoTime() - t1) / 1_000_000, baseInstalled && users > 0, detail));
                RecoverResult.Filestore fs = recovered.filestore();
                List<String> missing = fs.missing();
                if (!missing.isEmpty()) {
                    failures.add(missing.size() + " referenced files are in no snapshot of the repository: "
                            + Drills.named(missing, missing.size()));
                }
                steps.add(new DrillResult.Step(
                        "verify_files",
                        0,
                        missing.isEmpty(),
                        (fs.placed() + fs.alreadyThere()) + " of " + fs.referenced()
                                + " referenced files placed from the repository (checked against their SHA-1"
                                + " as they were read), " + missing.size() + " missing"));
            }
            rtoMillis = (System.nanoTime() - start) / 1_000_000;
        } finally {
            if (request.keep() && recovered != null && cancelled == null && !RunLedger.interrupted()) {
                ledger.release(dirRes);
                steps.add(new DrillResult.Step(
                        "remove",
                        0,
                        true,
                        "kept: the side copy runs at " + recovered.socketDir() + " port " + recovered.port()
                                + "; stop it with pg_ctl -D " + recovered.dataDir() + " stop and remove " + dir));
            } else {
                long t0 = System.nanoTime();
                Pitr.phase(obs, "remove");
                removed = remove(bin, dir, created);
                if (removed) ledger.release(dirRes);
                String detail = removed
                        ? "side copy stopped, " + dir + " removed"
                        : dir + " could not be removed; 'lifeboat cleanup' removes it later";
                steps.add(new DrillResult.Step("remove", (System.nanoTime() - t0) / 1_000_000, removed, detail));
                if (!removed) failures.add("the side copy could not be removed: " + detail);
            }
            ledger.close();
        }
        if (cancelled != null) throw cancelled;
        Long rpoMillis = pointTime == null
                ? null
                : Duration.between(pointTime, startedAt).toMillis();
        var f = recovered == null ? null : recovered.filestore();
        return new DrillResult(
                "point in time " + point,
                db,
                failures.isEmpty(),
                startedAt,
                Instant.now(),
                rtoMillis,
                rpoMillis,
                pointTime,
                steps,
                new DrillResult.Counts(
                        baseInstalled,
                        users,
                        f == null ? 0 : f.referenced(),
                        f == null ? 0 : f.placed() + f.alreadyThere(),
                        f == null ? 0 : f.missing().size(),
                        0,
                        f == null ? 0 : f.placed(),
                        false,
                        List.of()),
                failures,
                removed);
    }

    private static void recoverFailed(List<DrillResult.Step> steps, List<String> failures, long t0, String message) {
        steps.add(new DrillResult.Step("recover", (System.nanoTime() - t0) / 1_000_000, false, message));
        failures.add("the recovery failed: " + message);
    }

    /** A failure that is not a finding: the drill stops and rethrows it once the copy is removed. */
    private static boolean stops(LifeboatException e, Observer obs) {
        return e.kind() == Kind.CANCELLED
                || RunLedger.interrupted()
                || obs.cancellation().isCancelled();
    }

    /** The time of the last replayed transaction as the side copy reports it; null when none was replayed. */
    static Instant replayed(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return OffsetDateTime.parse(text.strip(), PG_TIMESTAMPTZ).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Stops the side copy in {@code dir} and removes it ({@code created}) or empties it; true when done. */
    private static boolean remove(Path bin, Path dir, boolean created) {
        if (!Files.exists(dir)) return true;
        boolean stopped = PgCluster.stop(bin, dir.resolve("data"));
        if (created) return Scratch.removeDirectory(dir) && stopped;
        boolean all = stopped;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) all &= Scratch.removeDirectory(p);
        } catch (IOException e) {
            return false;
        }
        return all;
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
