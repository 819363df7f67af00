package io.lifeboat.cli;

import static io.lifeboat.cli.RepoCli.args;
import static io.lifeboat.cli.RepoCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.repository.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention, prune, stats, locks and key commands on a history of imported backups. */
class RepositoryCommandsTest {
    @TempDir
    Path tmp;

    Path repo;
    List<String> withKey;
    List<String> withWriter;
    final List<String> ids = new ArrayList<>();
    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void history() {
        repo = tmp.resolve("repo");
        Path key = tmp.resolve("h.key");
        Path writer = tmp.resolve("h.writer-key");
        run("repo", "init", "--repo", repo.toString(), "--key", key.toString(), "--writer-key", writer.toString())
                .expect(ExitCode.OK);
        withKey = List.of("--repo", repo.toString(), "--key", key.toString());
        withWriter = List.of("--repo", repo.toString(), "--writer-key", writer.toString());
        // five nightly backups, oldest first; the oldest is tagged
        for (int day = 4; day >= 0; day--) {
            ids.add(imported(
                    "odoo16_base_only.zip",
                    "--instance",
                    "prod",
                    "--time",
                    now.minus(Duration.ofDays(day)).toString(),
                    "--tag",
                    day == 4 ? "before-upgrade" : "nightly"));
        }
    }

    /** Imports a fixture zip with the writer key; the snapshot's id. */
    private String imported(String fixture, String... options) {
        return run(args(
                        List.of("import", RepoCli.fixtures().resolve(fixture).toString(), "--json"),
                        List.of(options),
                        withWriter))
                .expect(ExitCode.OK)
                .json()
                .get(0)
                .path("snapshotId")
                .asText();
    }

    private List<String> snapshotIds(String... filters) {
        return run(args(List.of("snapshots", "--json"), List.of(filters), withWriter))
                .expect(ExitCode.OK)
                .json()
                .findValuesAsText("id");
    }

    @Test
    void snapshotsListAndFilter() {
        assertThat(snapshotIds()).containsExactlyElementsOf(ids);
        assertThat(snapshotIds("--tag", "before-upgrade")).containsExactly(ids.get(0));
        assertThat(snapshotIds("--database", "fx16", "--instance", "prod")).hasSize(5);
        assertThat(snapshotIds("--instance", "staging")).isEmpty();
        var table = run(args(List.of("snapshots"), withWriter)).expect(ExitCode.OK);
        assertThat(table.out())
                .contains("ID  ")
                .contains(ids.get(4).substring(0, 8))
                .contains("fx16")
                .contains("before-upgrade")
                .contains("5 snapshots");
    }

    @Test
    void forgetShowsAPlanWithAWriterKeyThenAppliesItWithTheSecretKey() {
        JsonNode plan = run(args(
                        List.of("forget", "--keep-last", "2", "--keep-tag", "before-upgrade", "--dry-run", "--json"),
                        withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(plan.path("applied").asBoolean()).isFalse();
        assertThat(plan.path("removed").findValuesAsText("id")).containsExactlyInAnyOrder(ids.get(1), ids.get(2));
        assertThat(plan.path("kept").findValuesAsText("id"))
                .containsExactlyInAnyOrder(ids.get(0), ids.get(3), ids.get(4));
        assertThat(snapshotIds()).hasSize(5);

        var refused = run(args(List.of("forget", "--keep-last", "2", "--keep-tag", "before-upgrade"), withWriter));
        assertThat(refused.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.err())
                .contains("this command needs the repository's secret key")
                .contains("append-only");
        assertThat(snapshotIds()).hasSize(5);

        var applied = run(args(List.of("forget", "--keep-last", "2", "--keep-tag", "before-upgrade"), withKey))
                .expect(ExitCode.OK);
        assertThat(applied.out())
                .contains("prod/fx16:")
                .contains("tag before-upgrade")
                .contains("3 kept, 2 forgotten");
        assertThat(snapshotIds()).containsExactly(ids.get(0), ids.get(3), ids.get(4));

        var defaults = run(args(List.of("forget", "--dry-run"), withWriter)).expect(ExitCode.OK);
        assertThat(defaults.out()).contains("policy: default (keep-daily 14, keep-weekly 8, keep-monthly 12");
        JsonNode within = run(args(List.of("forget", "--keep-within", "1d12h", "--dry-run", "--json"), withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(within.at("/policy/keepWithin").asText()).isEqualTo("PT36H");
        assertThat(within.path("kept").findValuesAsText("id")).containsExactlyInAnyOrder(ids.get(3), ids.get(4));

        var bad = run(args(List.of("forget", "--keep-within", "3 fortnights"), withWriter));
        assertThat(bad.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("invalid duration: 3 fortnights");
        var pruneWithWriter = run(args(List.of("forget", "--keep-last", "1", "--prune"), withWriter));
        assertThat(pruneWithWriter.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(snapshotIds()).hasSize(3);
    }

    /** Imports the fixture as database {@code db} of instance prod, {@code days} days ago; its id. */
    private String importAs(String db, int days) {
        return importAs("prod", db, now.minus(Duration.ofDays(days)));
    }

    private String importAs(String instance, String db, Instant time) {
        return imported("odoo16_base_only.zip", "--instance", instance, "-d", db, "--time", time.toString());
    }

    @Test
    void forgetKeepsTheNewestOfEveryDatabaseWhateverThePolicy() {
        importAs("other", 3);
        String otherNewest = importAs("other", 2);
        JsonNode plan = run(args(List.of("forget", "--keep-tag", "before-upgrade", "--dry-run", "--json"), withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(plan.path("newestAlwaysKept").asBoolean()).isTrue();
        assertThat(plan.path("kept").findValuesAsText("id"))
                .containsExactlyInAnyOrder(ids.get(0), ids.get(4), otherNewest);
        for (JsonNode k : plan.path("kept")) {
            boolean newest = k.path("id").asText().equals(ids.get(4))
                    || k.path("id").asText().equals(otherNewest);
            List<String> reasons = new ArrayList<>();
            k.path("reasons").forEach(r -> reasons.add(r.asText()));
            assertThat(reasons.contains("newest")).as("%s", k).isEqualTo(newest);
        }
        assertThat(plan.path("warnings").get(0).asText())
                .isEqualTo("prod/other would be left with a single snapshot (2 before)");
        assertThat(plan.path("warnings")).hasSize(1);

        var human = run(args(List.of("forget", "--keep-tag", "before-upgrade", "--dry-run"), withWriter))
                .expect(ExitCode.OK);
        assertThat(human.out())
                .contains("policy: keep-tag before-upgrade, and the newest of each database")
                .contains("3 kept, 4 would be forgotten (dry run)")
                .contains("warning: prod/other would be left with a single snapshot (2 before)");
        assertThat(snapshotIds()).hasSize(7);
    }

    @Test
    void latestNamesTheNewestSnapshotOfOneDatabaseAndIsRefusedWhenAmbiguous() throws Exception {
        // the repository's newest snapshot is of another database than prod/fx16
        String crm = importAs("prod", "crm", now.plus(Duration.ofHours(1)));
        Path zip = tmp.resolve("latest.zip");
        for (List<String> cmd : List.of(
                List.of("export", "latest", "-o", zip.toString()),
                List.of("restore", "latest", "-d", "fx16", "--replace", "--data-dir", tmp.toString()))) {
            var refused = run(args(cmd, withKey));
            assertThat(refused.exit()).as("%s", cmd).isEqualTo(ExitCode.USAGE);
            assertThat(refused.err())
                    .contains("lifeboat: latest is ambiguous: the repository holds snapshots of 2 databases")
                    .contains("hint: Say which one: latest:fx16 (newest "
                            + ids.get(4).substring(0, 8) + "), latest:crm" + " (newest " + crm.substring(0, 8)
                            + "); or give a snapshot id.");
        }
        assertThat(zip).doesNotExist();

        var exported = run(args(List.of("export", "latest:fx16", "-o", zip.toString()), withKey))
                .expect(ExitCode.OK);
        assertThat(exported.err()).contains("exported snapshot " + ids.get(4).substring(0, 8) + " (prod/fx16,");
        Files.delete(zip);
        assertThat(run(args(List.of("export", "latest:prod/crm", "-o", zip.toString()), withKey))
                        .expect(ExitCode.OK)
                        .err())
                .contains("exported snapshot " + crm.substring(0, 8) + " (prod/crm,");

        // the same database name on another instance: latest:fx16 is ambiguous, INSTANCE/DATABASE is not
        String staging = importAs("staging", "fx16", now.minus(Duration.ofDays(1)));
        var twin = run(args(List.of("export", "latest:fx16", "-o", "-"), withKey));
        assertThat(twin.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(twin.err())
                .contains("latest:fx16 is ambiguous: 2 instances have a database fx16")
                .contains("latest:prod/fx16 (newest " + ids.get(4).substring(0, 8) + ")")
                .contains("latest:staging/fx16 (newest " + staging.substring(0, 8) + ")");
        assertThat(twin.outBytes()).isEmpty();
        var unknown = run(args(List.of("export", "latest:nope", "-o", "-"), withKey));
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("no snapshot of database nope");

        // snapshots resolves the same way, and lists the newest of each database
        assertThat(snapshotIds("latest:staging/fx16")).containsExactly(staging);
        assertThat(snapshotIds("--latest")).containsExactly(staging, ids.get(4), crm);
        assertThat(snapshotIds("--latest", "-d", "fx16")).containsExactly(staging, ids.get(4));
        assertThat(run(args(List.of("snapshots", "latest"), withWriter)).exit()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aWriterKeyCannotPruneAndPruneWithTheSecretKeyWorks() throws Exception {
        run(args(List.of("forget", "--keep-last", "1"), withKey)).expect(ExitCode.OK);
        List<Path> packs = RepoCli.packs(repo);
        List<Path> index = RepoCli.objects(repo.resolve("index"));
        for (List<String> prune : List.of(List.of("prune"), List.of("prune", "--dry-run"))) {
            var refused = run(args(prune, withWriter));
            assertThat(refused.exit()).as("%s", prune).isEqualTo(ExitCode.USAGE);
            assertThat(refused.err())
                    .contains("this command needs the repository's secret key")
                    .contains("append-only");
        }
        assertThat(RepoCli.packs(repo)).isEqualTo(packs);
        assertThat(RepoCli.objects(repo.resolve("index"))).isEqualTo(index);
        run(args(List.of("prune"), withKey)).expect(ExitCode.OK);
        run(args(List.of("verify", "--read-data"), withKey)).expect(ExitCode.OK);
    }

    @Test
    void statsShowDeduplicationAndPruneFreesWhatForgetReleased() throws Exception {
        JsonNode stats = run(args(List.of("stats", "--json"), withWriter))
                .expect(ExitCode.OK)
                .json();
        assertThat(stats.path("snapshots").asInt()).isEqualTo(5);
        assertThat(stats.path("dedupRatio").asDouble()).isGreaterThan(4.5);
        assertThat(run(args(List.of("stats"), withWriter)).expect(ExitCode.OK).out())
                .contains("deduplication")
                .contains("snapshots          5");

        // an older, different backup in the same group, then forgotten: its data is what prune frees
        String other = imported(
                "odoo17_base_mail_attachments.zip",
                "--instance",
                "prod",
                "-d",
                "fx16",
                "--time",
                now.minus(Duration.ofDays(10)).toString());
        long before = run(args(List.of("stats", "--json"), withWriter))
                .json()
                .path("packBytes")
                .asLong();
        JsonNode forgotten = run(args(List.of("forget", "--keep-last", "1", "--prune", "--json"), withKey))
                .expect(ExitCode.OK)
                .json();
        assertThat(forgotten.path("removed").findValuesAsText("id")).contains(other, ids.get(0));
        assertThat(forgotten.path("kept").findValuesAsText("id")).containsExactly(ids.get(4));
        assertThat(forgotten.at("/prune/packsDeleted").asInt()).isPositive();
        JsonNode dry = run(args(List.of("prune", "--dry-run", "--json"), withKey))
                .expect(ExitCode.OK)
                .json();
        assertThat(dry.path("packsDeleted").asInt()).isZero();
        long after = run(args(List.of("stats", "--json"), withWriter))
                .json()
                .path("packBytes")
                .asLong();
        assertThat(after).isLessThan(before);
        run(args(List.of("verify", "--read-data"), withKey)).expect(ExitCode.OK);
    }

    @Test
    void pruneRefusesWhileAnotherProcessHoldsALockAndStaleLocksAreRemoved() throws Exception {
        Path locks = Files.createDirectories(repo.resolve("locks"));
        // a live backup elsewhere
        Files.writeString(
                locks.resolve("0123456789abcdef0123456789abcdef"),
                "{\"host\":\"backup-7\",\"pid\":4242,\"exclusive\":false,\"operation\":\"backup\",\"created\":\"" + now
                        + "\",\"refreshed\":\"" + now + "\"}");
        var refused = run(args(List.of("prune"), withKey));
        assertThat(refused.exit()).isEqualTo(ExitCode.CONFLICT);
        assertThat(refused.err()).contains("repository is locked by backup on backup-7 (pid 4242");
        // a backup on this machine that died long ago, and one elsewhere not refreshed for an hour
        long dead = new ProcessBuilder("true").start().pid();
        Files.writeString(
                locks.resolve("fedcba9876543210fedcba9876543210"),
                "{\"host\":\"" + Repository.Options.defaults().host() + "\",\"pid\":" + dead
                        + ",\"exclusive\":false,\"operation\":\"backup\",\"created\":\"" + now
                        + "\",\"refreshed\":\"" + now + "\"}");
        Instant old = now.minus(Duration.ofHours(1));
        Files.writeString(
                locks.resolve("00000000000000000000000000000001"),
                "{\"host\":\"backup-8\",\"pid\":1,\"exclusive\":true,\"operation\":\"prune\",\"created\":\"" + old
                        + "\",\"refreshed\":\"" + old + "\"}");
        var unlock = run(args(List.of("repo", "unlock"), withWriter)).expect(ExitCode.OK);
        assertThat(unlock.out()).contains("removed 2 stale locks").contains("live: backup on backup-7 (pid 4242)");
        Files.delete(locks.resolve("0123456789abcdef0123456789abcdef"));
        run(args(List.of("prune"), withKey)).expect(ExitCode.OK);
    }

    @Test
    void aNewWriterKeyCanBeMadeFromTheSecretKey() {
        Path fresh = tmp.resolve("fresh.writer-key");
        run(args(List.of("repo", "writer-key", "-o", fresh.toString()), withKey))
                .expect(ExitCode.OK);
        run(args(
                        List.of(
                                "import",
                                RepoCli.fixtures()
                                        .resolve("odoo16_base_only.zip")
                                        .toString()),
                        List.of("--repo", repo.toString(), "--writer-key", fresh.toString())))
                .expect(ExitCode.OK);
        assertThat(snapshotIds()).hasSize(6);
        var overwrite = run(args(List.of("repo", "writer-key", "-o", fresh.toString()), withKey));
        assertThat(overwrite.exit()).isEqualTo(ExitCode.CONFLICT);
    }
}
