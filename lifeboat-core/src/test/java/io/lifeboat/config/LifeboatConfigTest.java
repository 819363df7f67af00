package io.lifeboat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import io.lifeboat.repository.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifeboatConfigTest {

    @TempDir
    Path dir;

    Path odooConf;
    Path dataDir;
    Path key;
    Path writerKey;
    Path s3Secret;

    @BeforeEach
    void files() throws IOException {
        odooConf = Files.writeString(dir.resolve("odoo.conf"), "[options]\ndb_name = prod\n");
        dataDir = Files.createDirectory(dir.resolve("data"));
        key = secretFile("offsite.key", "AGE-SECRET-KEY-1...\n");
        writerKey = secretFile("offsite.writer-key", "writer\n");
        s3Secret = secretFile("s3-secret", "s3cr3t-value\n");
    }

    private Path secretFile(String name, String content) throws IOException {
        Path p = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private LifeboatConfig read(String yaml, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("lifeboat.yaml"), yaml.replace("$DIR", dir.toString()));
        return LifeboatConfig.read(file, env);
    }

    private LifeboatConfig read(String yaml) throws IOException {
        return read(yaml, Map.of());
    }

    /** The message of the refusal of {@code yaml}. */
    private String refusal(String yaml, Map<String, String> env) {
        Path file = dir.resolve("lifeboat.yaml");
        try {
            Files.writeString(file, yaml.replace("$DIR", dir.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        LifeboatException e = (LifeboatException)
                org.assertj.core.api.Assertions.catchThrowable(() -> LifeboatConfig.read(file, env));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
        return e.getMessage();
    }

    private String refusal(String yaml) {
        return refusal(yaml, Map.of());
    }

    private static final String FULL = """
            # the documented example, paths in a temporary directory
            defaults:
              repository: offsite
              jobs: 4
              retention:
                keep_daily: 14
                keep_weekly: 8
                keep_monthly: 12

            repositories:
              offsite:
                location: s3:https://s3.example.net/odoo-backups/hosting
                options:
                  s3.region: eu-west-1
                  s3.access-key: {env: S3_ACCESS_KEY}
                  s3.secret-key: {file: $DIR/s3-secret}
                writer_key_file: $DIR/offsite.writer-key
              local:
                location: $DIR/repo
                key_file: $DIR/offsite.key
                key_passphrase: {env: LIFEBOAT_KEY_PASSPHRASE}

            instances:
              prod:
                odoo_conf: $DIR/odoo.conf
                database: prod
              staging:
                connection:
                  host: db.internal
                  port: 5432
                  user: odoo
                  password: {env: PGPASSWORD_STAGING}
                  sslmode: require
                data_dir: $DIR/data
                database: "no"
                repository: local
                retention:
                  keep_last: 3
                  keep_within: 1y6m
                  keep_tags: [release, monthly]
                jobs: 8
            """;

    private static final Map<String, String> ENV = Map.of(
            "S3_ACCESS_KEY", "AKIAEXAMPLE",
            "LIFEBOAT_KEY_PASSPHRASE", "pass phrase",
            "PGPASSWORD_STAGING", "db-password");

    @Test
    void readsTheDocumentedExampleWithDefaultsApplied() throws IOException {
        LifeboatConfig c = read(FULL, ENV);

        assertThat(c.repositories()).containsOnlyKeys("offsite", "local");
        RepositoryConfig offsite = c.repositories().get("offsite");
        assertThat(offsite.location()).isEqualTo("s3:https://s3.example.net/odoo-backups/hosting");
        assertThat(offsite.options()).containsExactlyEntriesOf(Map.of("s3.region", "eu-west-1"));
        assertThat(offsite.secretOptions().get("s3.access-key")).hasToString("env:S3_ACCESS_KEY");
        assertThat(offsite.writerKeyFile()).isEqualTo(writerKey);
        assertThat(offsite.keyFile()).isNull();
        assertThat(offsite.storageOptions(ENV))
                .containsEntry("s3.access-key", "AKIAEXAMPLE")
                .containsEntry("s3.secret-key", "s3cr3t-value")
                .containsEntry("s3.region", "eu-west-1");
        assertThat(c.repositories().get("local").keyPassphrase().resolve(ENV)).isEqualTo("pass phrase");

        assertThat(c.instances()).containsOnlyKeys("prod", "staging");
        InstanceConfig prod = c.instance("prod");
        assertThat(prod.odooConf()).isEqualTo(odooConf);
        assertThat(prod.repository()).isEqualTo("offsite");
        assertThat(prod.jobs()).isEqualTo(4);
        assertThat(prod.retention()).isEqualTo(new RetentionPolicy(0, 0, 14, 8, 12, 0, null, Set.of()));
        assertThat(prod.connection()).isEqualTo(InstanceConfig.Connection.NONE);

        InstanceConfig staging = c.instance("staging");
        assertThat(staging.odooConf()).isNull();
        assertThat(staging.dataDir()).isEqualTo(dataDir);
        assertThat(staging.database()).as("YAML's 'no' stays text").isEqualTo("no");
        assertThat(staging.repository()).isEqualTo("local");
        assertThat(staging.jobs()).isEqualTo(8);
        assertThat(staging.connection().host()).isEqualTo("db.internal");
        assertThat(staging.connection().port()).isEqualTo(5432);
        assertThat(staging.connection().sslmode()).isEqualTo("require");
        assertThat(staging.connection().password().resolve(ENV)).isEqualTo("db-password");
        assertThat(staging.retention())
                .as("an instance's retention replaces the default as a whole")
                .isEqualTo(new RetentionPolicy(
                        3, 0, 0, 0, 0, 0, Duration.ofDays(365 + 6 * 30), Set.of("release", "monthly")));

        assertThat(c.warnings()).singleElement().asString().contains("does not exist yet");
    }

    @Test
    void secretsPrintAsReferencesNeverValues() throws IOException {
        LifeboatConfig c = read(FULL, ENV);
        String all = c.toString();
        assertThat(all).contains("env:S3_ACCESS_KEY", "file:" + s3Secret, "env:PGPASSWORD_STAGING");
        assertThat(all).doesNotContain("AKIAEXAMPLE", "s3cr3t-value", "db-password", "pass phrase");
    }

    @Test
    void anEmptyFileIsAConfigurationWithoutInstances() throws IOException {
        LifeboatConfig c = read("# nothing yet\n");
        assertThat(c.instances()).isEmpty();
        assertThatThrownBy(() -> c.instance(null))
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("defines no instance");
    }

    @Test
    void instanceLookupNamesTheChoices() throws IOException {
        LifeboatConfig c = read(FULL, ENV);
        assertThatThrownBy(() -> c.instance(null))
                .hasMessageContaining("several instances")
                .hasMessageContaining("prod, staging");
        assertThatThrownBy(() -> c.instance("nope")).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE);
            assertThat(e.hint()).isEqualTo("Instances: prod, staging.");
        });
    }

    @Test
    void unknownKeysAreRefusedWithTheirLine() {
        String m = refusal("""
                instances:
                  prod:
                    odoo_conf: $DIR/odoo.conf
                    retention:
                      keep_dayly: 7
                    databse: prod
                colour: blue
                """);
        assertThat(m)
                .contains("(3 problems)")
                .contains("line 5: unknown key \"keep_dayly\" in instance \"prod\": retention; known: keep_last,")
                .contains("line 6: unknown key \"databse\" in instance \"prod\"")
                .contains("line 7: unknown key \"colour\" in the file");
    }

    @Test
    void unknownStorageOptionsAndSecretSourcesAreRefused() {
        String m = refusal("""
                repositories:
                  r:
                    location: s3:bucket/x
                    writer_key_file: $DIR/offsite.writer-key
                    options:
                      s3.regoin: eu
                      s3.secret-key: {vault: x}
                """);
        assertThat(m)
                .contains("line 6: unknown storage option \"s3.regoin\"")
                .contains("line 7: repository \"r\": options: s3.secret-key: unknown secret source \"vault\"");
    }

    @Test
    void missingRequiredValuesAreRefused() {
        String m = refusal("""
                defaults:
                  repository: elsewhere
                repositories:
                  r:
                    options: {s3.region: eu}
                instances:
                  prod:
                    database:
                  other:
                    odoo_conf: $DIR/odoo.conf
                    repository: missing
                """);
        assertThat(m)
                .contains("line 2: defaults: repository \"elsewhere\" is not defined")
                .contains("line 5: repository \"r\": location is required")
                .contains("repository \"r\": key_file or writer_key_file is required")
                .contains("line 8: instance \"prod\": database needs a value")
                .contains("instance \"prod\": odoo_conf or data_dir is required")
                .contains("line 11: instance \"other\": repository \"missing\" is not defined under repositories");
    }

    @Test
    void secretsWrittenInPlainAreRefusedAndUnsetOnesReported() {
        String m = refusal("""
                repositories:
                  r:
                    location: sftp://backup:hunter2@host/srv/repo
                    key_file: $DIR/offsite.key
                    key_passphrase: hunter2
                    options:
                      sftp.password: {env: SFTP_PASSWORD}
                """);
        assertThat(m)
                .contains("line 3: repository \"r\": credentials in the location are refused")
                .contains(
                        "line 5: repository \"r\": key_passphrase is a secret: write {env: VARIABLE} or {file: /path}")
                .contains(
                        "line 7: repository \"r\": options: sftp.password: environment variable SFTP_PASSWORD is not set");
        assertThat(m.replace("hunter2@", "")).doesNotContain("hunter2");
    }

    @Test
    void badPathsAreRefused() throws IOException {
        Files.createDirectory(dir.resolve("a-directory"));
        String m = refusal("""
                repositories:
                  r:
                    location: relative/repo
                    key_file: keys/r.key
                    writer_key_file: $DIR/a-directory
                instances:
                  prod:
                    odoo_conf: $DIR/missing.conf
                    data_dir: $DIR/odoo.conf
                    pg_bin: $DIR/nowhere
                    odoo_bin: ../odoo-bin
                """);
        assertThat(m)
                .contains("line 3: repository \"r\": location \"relative/repo\" must be an absolute path")
                .contains("line 4: repository \"r\": key_file \"keys/r.key\" must be an absolute path")
                .contains("line 5: repository \"r\": writer_key_file " + dir.resolve("a-directory") + " is not a file")
                .contains("line 8: instance \"prod\": odoo_conf " + dir.resolve("missing.conf") + " does not exist")
                .contains("line 9: instance \"prod\": data_dir " + odooConf + " is not a directory")
                .contains("line 10: instance \"prod\": pg_bin " + dir.resolve("nowhere") + " does not exist")
                .contains("line 11: instance \"prod\": odoo_bin \"../odoo-bin\" must be an absolute path");
    }

    @Test
    void badValuesAndNamesAreRefused() {
        String m = refusal("""
                instances:
                  Prod:
                    odoo_conf: $DIR/odoo.conf
                  ok:
                    odoo_conf: $DIR/odoo.conf
                    jobs: 0
                    connection: {port: http, sslmode: maybe}
                    retention: {keep_daily: -1, keep_within: soon, keep_tags: release}
                """);
        assertThat(m)
                .contains("line 2: instance name \"Prod\" is not valid")
                .contains("line 6: instance \"ok\": jobs must be a whole number from 1 to 64, not \"0\"")
                .contains("line 7: instance \"ok\": connection: port must be a whole number from 1 to 65535")
                .contains("line 7: instance \"ok\": connection: sslmode \"maybe\" is not one of")
                .contains("line 8: instance \"ok\": retention: keep_daily must be a whole number from 0")
                .contains("line 8: instance \"ok\": retention: keep_within \"soon\" is not a duration")
                .contains("line 8: instance \"ok\": retention: keep_tags must be a list");
    }

    @Test
    void syntaxErrorsAndDuplicateKeysHaveTheirLine() {
        assertThat(refusal("""
                instances:
                  prod:
                    odoo_conf: $DIR/odoo.conf
                  prod:
                    data_dir: $DIR/data
                """)).contains("line 4: duplicate key \"prod\" (first on line 2)");
        assertThat(refusal("instances:\n  prod: [unclosed\n"))
                .contains("line 3: expected ',' or ']', but got <stream end> (while parsing a flow sequence)");
        assertThat(refusal("- a list\n- at the top\n")).contains("line 1: the file must be a mapping");
    }

    @Test
    void secretFilesOthersCanReadAreWarnedAbout() throws IOException {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        LifeboatConfig c = read("""
                repositories:
                  r:
                    location: s3:bucket/prefix
                    key_file: $DIR/offsite.key
                """);
        assertThat(c.warnings()).singleElement().asString().contains(key + " can be read by every user");
    }

    @Test
    void locateTakesTheOptionThenTheEnvironmentThenTheDefault() {
        Path opt = Path.of("/tmp/x.yaml");
        assertThat(LifeboatConfig.locate(opt, Map.of("LIFEBOAT_CONFIG", "/y.yaml")))
                .isEqualTo(opt);
        assertThat(LifeboatConfig.locate(null, Map.of("LIFEBOAT_CONFIG", "/y.yaml")))
                .isEqualTo(Path.of("/y.yaml"));
        assertThat(LifeboatConfig.locate(null, Map.of())).isEqualTo(Path.of("/etc/lifeboat/lifeboat.yaml"));
    }

    @Test
    void aMissingFileSaysHowToNameAnother() {
        assertThatThrownBy(() -> LifeboatConfig.read(dir.resolve("none.yaml"), Map.of()))
                .hasMessageContaining("none.yaml does not exist")
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.hint()).contains("--config-file"));
    }

    @Test
    void durationsFollowForget() {
        assertThat(LifeboatConfig.duration("36h")).isEqualTo(Duration.ofHours(36));
        assertThat(LifeboatConfig.duration("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(LifeboatConfig.duration("P10D")).isEqualTo(Duration.ofDays(10));
        assertThat(LifeboatConfig.duration("1y6m")).isEqualTo(Duration.ofDays(545));
        assertThat(LifeboatConfig.duration("7")).isNull();
        assertThat(LifeboatConfig.duration("7d x")).isNull();
    }
}
