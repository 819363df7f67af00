package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class SnapshotRefTest {
    static final Instant T0 = Instant.parse("2025-04-10T03:00:00Z");

    /** A snapshot taken {@code hour} hours after T0; its id starts with {@code idStart}. */
    static SnapshotInfo snap(String idStart, String instance, String database, int hour) {
        String id = (idStart + "0".repeat(64)).substring(0, 64);
        return Fixtures.record(id, T0.plusSeconds(3600L * hour), instance, database, List.of());
    }

    // the newest snapshot of the repository is of prod/crm: what plain latest used to pick
    final SnapshotInfo prodOdooOld = snap("a1", "prod", "odoo", 1);
    final SnapshotInfo stagingOdoo = snap("b2", "staging", "odoo", 2);
    final SnapshotInfo prodOdoo = snap("c3", "prod", "odoo", 3);
    final SnapshotInfo prodCrm = snap("d4", "prod", "crm", 4);
    final List<SnapshotInfo> all = List.of(prodOdooOld, stagingOdoo, prodOdoo, prodCrm);

    static AbstractThrowableAssert<?, ? extends Throwable> refused(List<SnapshotInfo> all, String ref) {
        return assertThatThrownBy(() -> SnapshotRef.resolve(all, ref))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE));
    }

    static String hint(List<SnapshotInfo> all, String ref) {
        try {
            SnapshotRef.resolve(all, ref);
        } catch (LifeboatException e) {
            return e.hint();
        }
        throw new AssertionError(ref + " was not refused");
    }

    @Test
    void latestNamesTheNewestSnapshotOfOneDatabase() {
        assertThat(SnapshotRef.resolve(all, "latest:crm")).isEqualTo(prodCrm);
        assertThat(SnapshotRef.resolve(all, "latest:prod/odoo")).isEqualTo(prodOdoo);
        assertThat(SnapshotRef.resolve(all, "latest:staging/odoo")).isEqualTo(stagingOdoo);
        assertThat(SnapshotRef.resolve(all, "latest:prod/crm")).isEqualTo(prodCrm);
        // with a single database, plain latest is unambiguous
        assertThat(SnapshotRef.resolve(List.of(prodOdooOld, prodOdoo), "latest"))
                .isEqualTo(prodOdoo);
        // an instance name may hold a slash: a database name cannot
        SnapshotInfo eu = snap("e5", "eu/prod", "odoo", 0);
        assertThat(SnapshotRef.resolve(List.of(eu, prodOdoo), "latest:eu/prod/odoo"))
                .isEqualTo(eu);
        // ids and prefixes as before
        assertThat(SnapshotRef.resolve(all, "c300")).isEqualTo(prodOdoo);
        assertThat(SnapshotRef.resolve(all, prodCrm.id())).isEqualTo(prodCrm);
    }

    @Test
    void plainLatestIsRefusedWhenTheRepositoryHoldsSeveralDatabases() {
        refused(all, "latest").hasMessage("latest is ambiguous: the repository holds snapshots of 3 databases");
        assertThat(hint(all, "latest"))
                .isEqualTo("Say which one: latest:prod/odoo (newest c3000000), latest:staging/odoo (newest b2000000),"
                        + " latest:crm (newest d4000000); or give a snapshot id.");
        refused(all, "latest:odoo").hasMessage("latest:odoo is ambiguous: 2 instances have a database odoo");
        assertThat(hint(all, "latest:odoo"))
                .isEqualTo("Say which one: latest:prod/odoo (newest c3000000), latest:staging/odoo (newest b2000000);"
                        + " or give a snapshot id.");
    }

    @Test
    void unknownDatabasesEmptyRepositoriesAndBadReferencesAreRefused() {
        refused(all, "latest:nope").hasMessage("no snapshot of database nope");
        assertThat(hint(all, "latest:nope")).contains("latest:crm (newest d4000000)");
        refused(all, "latest:dev/odoo").hasMessage("no snapshot of dev/odoo");
        refused(List.of(), "latest").hasMessage("the repository has no snapshots");
        for (String bad : List.of("latest:", "latest:prod/", "latest:/odoo")) {
            refused(all, bad).hasMessage("invalid snapshot reference: " + bad);
        }
        refused(all, "newest").hasMessage("invalid snapshot id: newest");
        refused(all, "abc").hasMessage("invalid snapshot id: abc");
        refused(all, "ffff").hasMessage("no snapshot ffff");
        List<SnapshotInfo> twins = List.of(snap("abcd1", "p", "a", 0), snap("abcd2", "p", "b", 1));
        refused(twins, "abcd").hasMessage("snapshot id abcd is ambiguous");
    }

    @Test
    void aLongListOfCandidatesIsCut() {
        List<SnapshotInfo> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) many.add(snap(String.format("%02x", i), "prod", "db" + i, i));
        assertThat(hint(many, "latest"))
                .contains("latest:db7 (newest 07000000)")
                .doesNotContain("latest:db8")
                .endsWith("and 4 more (lifeboat snapshots --latest lists them); or give a snapshot id.");
    }
}
