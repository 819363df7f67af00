package io.lifeboat.usecase;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.RepositorySettings;
import io.lifeboat.odoo.DatabaseLister;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.odoo.FilestoreDirectory;
import io.lifeboat.odoo.InstanceResolver;
import io.lifeboat.odoo.OdooConfig;
import io.lifeboat.odoo.OdooInstance;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PgServerInfo;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.repository.KeyFiles;
import io.lifeboat.repository.Keys;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.WriterKey;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.Backends;
import io.lifeboat.storage.Redaction;
import io.lifeboat.storage.RetryPolicy;
import io.lifeboat.storage.RetryingBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What every use case shares: the settings, the instance they resolve to (once), the PostgreSQL tools,
 * and the repository.
 */
public final class Context {
    private final LifeboatSettings settings;
    private OdooInstance instance;

    public Context(LifeboatSettings settings) {
        this.settings = settings;
    }

    public LifeboatSettings settings() {
        return settings;
    }

    /** The instance with a database chosen. */
    public record Target(PgConnection connection, String database, Path dataDir, Path filestore) {}

    /** The instance as configured (connection, data_dir, filters), resolved once. */
    public synchronized OdooInstance instance() {
        if (instance == null) {
            InstanceSettings s = settings.instance();
            Path file =
                    s.odooConf() != null ? s.odooConf() : InstanceResolver.defaultConfigFile(settings.environment());
            OdooConfig config = file == null ? null : OdooConfig.parse(file);
            instance = InstanceResolver.resolve(
                    config,
                    settings.environment(),
                    new InstanceResolver.Overrides(
                            s.host(),
                            s.port(),
                            s.user(),
                            s.password(),
                            s.sslmode(),
                            null,
                            null,
                            s.dataDir(),
                            null,
                            s.odooBin(),
                            s.pgBin()));
        }
        return instance;
    }

    /**
     * The instance with {@code database} chosen; when null, the settings' database, else the only database
     * of odoo.conf's db_name, else the only Odoo database the server lists.
     */
    public Target resolve(String database) {
        if (database != null) DatabaseNames.check(database, Kind.USAGE, "", null);
        OdooInstance i = instance();
        String preset = settings.instance().database();
        String db = database != null ? database : preset != null ? preset : pickDatabase(i);
        return new Target(i.connection(), db, i.dataDir(), i.filestore(db));
    }

    private static String pickDatabase(OdooInstance i) {
        List<String> names = i.dbNames();
        if (names.size() == 1) return names.get(0);
        List<String> dbs = DatabaseLister.list(i.connection(), DatabaseLister.Options.of(i), null);
        if (dbs.size() == 1) return dbs.get(0);
        throw new LifeboatException(
                Kind.USAGE,
                dbs.isEmpty()
                        ? "no Odoo database found on " + i.connection()
                        : "several Odoo databases: " + String.join(", ", dbs),
                "Name the database with -d.");
    }

    /** Where the data_dir came from, for messages. */
    public String dataDirOrigin() {
        OdooInstance i = instance();
        return switch (i.origins().getOrDefault("data_dir", "default")) {
            case "flag" -> {
                String o = settings.instance().dataDirOrigin();
                yield o != null ? o : "--data-dir";
            }
            case "odoo.conf" -> "data_dir in " + i.configFile();
            default ->
                i.configFile() == null
                        ? "the default, as no odoo.conf was found"
                        : "the default, as " + i.configFile() + " sets no data_dir";
        };
    }

    /**
     * Fails with one error when the database references files and its filestore directory is missing,
     * not a directory, or empty: a wrong data_dir, not thousands of missing files. Errors reading the
     * database are left to the use case, which reports them in its own words.
     */
    public void requireFilestore(Target target) {
        try (Connection c = target.connection().open(target.database())) {
            FilestoreDirectory.require(c, target.database(), target.filestore(), dataDirOrigin());
        } catch (SQLException e) {
            // the use case's own connection reports it
        }
    }

    /** pg_dump, pg_restore and psql at least as new as the server. */
    public PgTools tools() {
        OdooInstance i = instance();
        try (Connection c = i.connection().open("postgres")) {
            return PgTools.find(
                    PgServerInfo.read(c).major(),
                    i.pgBin(),
                    settings.environment().get("PATH"),
                    PgTools.DEBIAN_ROOT);
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot connect to PostgreSQL at " + i.connection() + ": " + e.getMessage(),
                    "Check db_host/db_port/db_user in odoo.conf, PG* variables or --db-* flags.",
                    e);
        }
    }

    /** The repository settings; fails when none were given. */
    public RepositorySettings repositorySettings() {
        RepositorySettings r = settings.repository();
        if (r == null || r.location() == null) {
            throw new LifeboatException(
                    Kind.USAGE, "no repository given", "Name it with --repo LOCATION or set LIFEBOAT_REPO.");
        }
        return r;
    }

    /** The repository location without secrets, for messages. */
    public String displayLocation() {
        RepositorySettings r = settings.repository();
        return r == null || r.location() == null ? null : Redaction.redact(r.location());
    }

    /** The repository's backend, wrapped to retry transient failures. The caller closes it. */
    public Backend backend() throws IOException {
        RepositorySettings r = repositorySettings();
        try {
            return new RetryingBackend(Backends.open(r.location(), r.storageOptions()), RetryPolicy.defaults());
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(
                    Kind.USAGE, Redaction.redact(e.getMessage()), "Check --repo and --repo-option.", e);
        }
    }

    /**
     * Opens the repository. {@code needSecret}: the operation reads sealed data (restore, verify,
     * export) or removes snapshots or data (forget, prune), so a secret key is required; otherwise a
     * writer key suffices.
     */
    public OpenRepository openRepository(boolean needSecret) throws IOException {
        RepositorySettings r = repositorySettings();
        Path secretFile = r.secretKeyFile();
        Path writerFile = r.writerKeyFile();
        if (needSecret && secretFile == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "this command needs the repository's secret key",
                    writerFile != null
                            ? "A writer key can only add snapshots (the repository is append-only for it); give the"
                                    + " secret key with --key FILE or LIFEBOAT_KEY."
                            : "Give the secret key with --key FILE or LIFEBOAT_KEY.");
        }
        if (secretFile == null && writerFile == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no key given for repository " + displayLocation(),
                    "Give the secret key with --key FILE, or the writer key with --writer-key FILE.");
        }
        SecretKey secret =
                secretFile == null ? null : KeyFiles.readSecretKeyAsking(secretFile, () -> passphrase(r, secretFile));
        WriterKey writer = writerFile == null ? null : KeyFiles.readWriterKey(writerFile);
        Keys keys =
                secret == null ? Keys.writer(writer) : writer == null ? Keys.secret(secret) : Keys.both(writer, secret);
        Backend backend = backend();
        try {
            return new OpenRepository(backend, Repository.open(backend, keys));
        } catch (IOException | RuntimeException e) {
            closeQuietly(backend);
            throw e;
        }
    }

    private static char[] passphrase(RepositorySettings r, Path file) {
        char[] p = r.passphrase().apply(file);
        if (p == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "secret key file " + file + " is protected by a passphrase",
                    "Set LIFEBOAT_KEY_PASSPHRASE to the passphrase, or run on a terminal to be asked for it.");
        }
        return p;
    }

    static void closeQuietly(Backend backend) {
        try {
            backend.close();
        } catch (IOException | RuntimeException e) {
            // nothing more to release
        }
    }

    /** An open repository and the backend it lives in; closing closes both. */
    public record OpenRepository(Backend backend, Repository repo) implements AutoCloseable {
        @Override
        public void close() {
            repo.close();
            closeQuietly(backend);
        }
    }
}
