package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups and prunes killed with SIGKILL (in a separate JVM) at random points: after each kill the
 * repository verifies, and the next run completes — a backup reusing what the killed ones uploaded.
 */
@ExtendWith(PostgresExtension.class)
class RepositoryKillTest {
    private static final long PACK = 16L << 20;

    @TempDir
    Path tmp;

    private final Random random = new Random(0x5EED);

    @Test
    void killedBackupsAndPrunesLeaveAVerifiableRepositoryAndTheNextRunFinishes(TestDatabase db) throws Exception {
        Path dataDir = tmp.resolve("data");
        Path filestore = dataDir.resolve("filestore").resolve(db.name());
        long filestoreBytes = 110L << 20;
        try (Connection c = db.connect()) {
            SyntheticInstance.create(
                    c,
                    filestore,
                    SyntheticInstance.Spec.small()
                            .withAttachments(1500)
                            .withFilestoreBytes(filestoreBytes)
                            .withIncompressibleFraction(0.9)
                            .withBulkRows(10_000)
                            .withSeed(3));
        }
        Path repo = tmp.resolve("repo");
        Path key = tmp.resolve("k.key");
        Path writer = tmp.resolve("k.writer-key");
        run("repo", "init", "--repo", repo.toString(), "--key", key.toString(), "--writer-key", writer.toString())
                .expect(ExitCode.OK);
        List<String> withKey = List.of("--repo", repo.toString(), "--key", key.toString());
        List<String> backup = args(
                List.of("backup", "-d", db.name(), "--json"),
                RepoCli.instance(db, dataDir),
                List.of("--repo", repo.toString(), "--writer-key", writer.toString()));

        // backups killed after a random number of uploaded packs, each later than the last
        int expectedPacks = (int) (filestoreBytes / PACK);
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < 3) points.add(1 + random.nextInt(expectedPacks - 1));
        int killed = 0;
        for (int point : points) {
            Process p = RepoCli.spawn(backup, tmp.resolve("backup-" + point + ".log"));
            awaitOrExit(p, () -> RepoCli.packs(repo).size() >= point);
            killed += kill(p) ? 1 : 0;
            run(args(List.of("verify"), withKey)).expect(ExitCode.OK);
            assertThat(run(args(List.of("snapshots", "--json"), withKey)).json())
                    .as("no snapshot from a killed backup")
                    .isEmpty();
        }
        assertThat(killed).as("backups killed before they finished").isEqualTo(points.size());
        int leftBehind = RepoCli.packs(repo).size();
        assertThat(leftBehind).isGreaterThanOrEqualTo(points.last());

        JsonNode done = run(backup).expect(ExitCode.OK).json();
        long logical = done.path("dumpBytes").asLong() + done.path("fileBytes").asLong();
        assertThat(done.at("/written/adoptedPacks").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(done.at("/written/bytesNew").asLong())
                .as("new bytes of the backup after the kills, vs a full backup of %d", logical)
                .isLessThan(logical - (leftBehind - 1) * (PACK / 2));
        run(args(List.of("verify", "--read-data"), withKey)).expect(ExitCode.OK);

        // garbage for prune: a third of the instance changes, the first snapshot is forgotten
        try (Connection c = db.connect()) {
            SyntheticInstance.mutate(c, filestore, 0.3, 4);
        }
        run(backup).expect(ExitCode.OK);
        run(args(List.of("forget", "--keep-last", "1"), withKey)).expect(ExitCode.OK);
        long before = run(args(List.of("stats", "--json"), withKey))
                .json()
                .path("storedBytes")
                .asLong();

        // prunes killed at random steps: twice while reading or repacking (long steps), then at any step
        List<String> prune = args(List.of("prune", "--json"), withKey);
        List<KillPoint> early = List.of(KillPoint.LOCKED, KillPoint.PACK_WRITTEN);
        List<KillPoint> prunePoints = List.of(
                early.get(random.nextInt(2)),
                early.get(random.nextInt(2)),
                KillPoint.values()[random.nextInt(KillPoint.values().length)]);
        int prunesKilled = 0;
        for (int i = 0; i < prunePoints.size(); i++) {
            Set<Path> objects = new HashSet<>(RepoCli.objects(repo.resolve("data")));
            objects.addAll(RepoCli.objects(repo.resolve("index")));
            KillPoint at = prunePoints.get(i);
            Process p = RepoCli.spawn(prune, tmp.resolve("prune-" + i + ".log"));
            awaitOrExit(p, () -> at.reached(repo, objects));
            prunesKilled += kill(p) ? 1 : 0;
            run(args(List.of("verify"), withKey)).expect(ExitCode.OK);
            assertThat(run(args(List.of("snapshots", "--json"), withKey)).json())
                    .hasSize(1);
        }
        assertThat(prunesKilled)
                .as("prunes killed before they finished, at %s", prunePoints)
                .isGreaterThanOrEqualTo(2);
        run(prune).expect(ExitCode.OK);
        run(args(List.of("verify", "--read-data"), withKey)).expect(ExitCode.OK);
        long after = run(args(List.of("stats", "--json"), withKey))
                .json()
                .path("storedBytes")
                .asLong();
        assertThat(after).isLessThan(before);

        // what is left restores to exactly the instance as it is
        run(args(
                        List.of("restore", "latest", "-d", "after_kills", "--no-copy"),
                        RepoCli.instance(db, dataDir),
                        withKey))
                .expect(ExitCode.OK);
        try (Connection c = db.connect();
                Connection r = db.cluster().connect("after_kills", db.owner())) {
            assertThat(RepoCli.tables(r)).isEqualTo(RepoCli.tables(c));
            Map<String, String> files = RepoCli.referencedFiles(c, filestore);
            assertThat(RepoCli.files(dataDir.resolve("filestore").resolve("after_kills")))
                    .isEqualTo(files);
        }
    }

    /** Where a prune is killed: each is a visible step of format §11. */
    private enum KillPoint {
        /** The exclusive lock is taken (reading the index and trees). */
        LOCKED,
        /** A repacked pack was uploaded. */
        PACK_WRITTEN,
        /** A consolidated index object was written. */
        INDEX_WRITTEN,
        /** An old index object or pack was deleted. */
        DELETING;

        boolean reached(Path repo, Set<Path> before) throws Exception {
            return switch (this) {
                case LOCKED -> exclusiveLock(repo);
                case PACK_WRITTEN -> !before.containsAll(RepoCli.objects(repo.resolve("data")));
                case INDEX_WRITTEN -> !before.containsAll(RepoCli.objects(repo.resolve("index")));
                case DELETING -> {
                    Set<Path> now = new HashSet<>(RepoCli.objects(repo.resolve("data")));
                    now.addAll(RepoCli.objects(repo.resolve("index")));
                    yield !now.containsAll(before);
                }
            };
        }
    }

    private static boolean exclusiveLock(Path repo) throws java.io.IOException {
        Path locks = repo.resolve("locks");
        if (!Files.isDirectory(locks)) return false;
        try (var list = Files.list(locks)) {
            for (Path l : list.toList()) {
                try {
                    if (Files.readString(l).replace(" ", "").contains("\"exclusive\":true")) return true;
                } catch (java.io.IOException e) {
                    // released or renamed meanwhile
                }
            }
        }
        return false;
    }

    private static void awaitOrExit(Process p, Callable<Boolean> condition) {
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> !p.isAlive() || condition.call());
    }

    /** SIGKILL; returns whether the process was still running (else it had finished on its own). */
    private static boolean kill(Process p) throws InterruptedException {
        boolean alive = p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return alive;
    }
}
