package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.config.InstanceConfig;
import io.lifeboat.odoo.DatabaseLister;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.odoo.InstanceResolver;
import io.lifeboat.odoo.OdooInstance;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PgServerInfo;
import io.lifeboat.postgres.PgTools;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options that say which Odoo instance to work on: odoo.conf, then {@code PG*} variables, then these
 * flags, as {@link InstanceResolver} documents. With {@code --stanza} ({@link StanzaOptions}), the
 * instance of Lifeboat's configuration file supplies what these flags leave unsaid.
 */
public final class InstanceOptions {

    /** The instance with the database chosen. */
    public record ResolvedInstance(PgConnection connection, String database, Path dataDir, Path filestore) {}

    @Option(
            names = {"-c", "--config"},
            paramLabel = "ODOO_CONF",
            description = "Odoo configuration file (odoo.conf). Default, as Odoo: $ODOO_RC, else $OPENERP_SERVER,"
                    + " else ~/.odoorc, else ~/.openerp_serverrc, else none.")
    Path config;

    @Option(names = "--db-host", paramLabel = "HOST", description = "PostgreSQL host (overrides db_host and PGHOST).")
    String dbHost;

    @Option(names = "--db-port", paramLabel = "PORT", description = "PostgreSQL port (overrides db_port and PGPORT).")
    Integer dbPort;

    @Option(
            names = "--db-user",
            paramLabel = "USER",
            description =
                    "PostgreSQL user (overrides db_user and PGUSER). Pass the password in PGPASSWORD or odoo.conf.")
    String dbUser;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Odoo data_dir; the filestore is DIR/filestore/<database>.")
    Path dataDir;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory holding pg_dump, pg_restore and psql.")
    Path pgBin;

    @Option(names = "--odoo-bin", paramLabel = "PATH", description = "odoo-bin, for delegating neutralization to Odoo.")
    Path odooBin;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private OdooInstance instance;

    /** The instance of the configuration file {@code --stanza} names, or null. */
    InstanceConfig stanza() {
        StanzaOptions s = StanzaOptions.of(mixee);
        return s == null ? null : s.instance();
    }

    /** The instance as configured (connection, data_dir, filters). */
    public OdooInstance instance() {
        if (instance == null) {
            InstanceConfig s = stanza();
            InstanceConfig.Connection c = s == null ? InstanceConfig.Connection.NONE : s.connection();
            instance = InstanceResolver.resolve(
                    config != null ? config : s == null ? null : s.odooConf(),
                    new InstanceResolver.Overrides(
                            dbHost != null ? dbHost : c.host(),
                            dbPort != null ? dbPort : c.port(),
                            dbUser != null ? dbUser : c.user(),
                            c.password() == null ? null : c.password().resolve(System.getenv()),
                            c.sslmode(),
                            null,
                            null,
                            dataDir != null ? dataDir : s == null ? null : s.dataDir(),
                            null,
                            odooBin != null ? odooBin : s == null ? null : s.odooBin(),
                            pgBin != null ? pgBin : s == null ? null : s.pgBin()));
        }
        return instance;
    }

    /**
     * These options (and the {@code --stanza} instance's settings they leave unsaid) as the facade's
     * instance settings.
     */
    public InstanceSettings settings() {
        InstanceConfig s = stanza();
        InstanceConfig.Connection c = s == null ? InstanceConfig.Connection.NONE : s.connection();
        String origin = dataDir == null && s != null && s.dataDir() != null
                ? "data_dir of instance \"" + s.name() + "\" in "
                        + StanzaOptions.of(mixee).file()
                : "--data-dir";
        return new InstanceSettings(
                config != null ? config : s == null ? null : s.odooConf(),
                dbHost != null ? dbHost : c.host(),
                dbPort != null ? dbPort : c.port(),
                dbUser != null ? dbUser : c.user(),
                c.password() == null ? null : c.password().resolve(System.getenv()),
                c.sslmode(),
                dataDir != null ? dataDir : s == null ? null : s.dataDir(),
                odooBin != null ? odooBin : s == null ? null : s.odooBin(),
                pgBin != null ? pgBin : s == null ? null : s.pgBin(),
                s == null ? null : s.database(),
                origin);
    }

    /** The {@code --stanza} instance's jobs when {@code option} is not on the command line; else null. */
    Integer stanzaJobs(String option) {
        if (mixee != null && mixee.commandLine() != null) {
            var parsed = mixee.commandLine().getParseResult();
            if (parsed != null && parsed.hasMatchedOption(option)) return null;
        }
        InstanceConfig s = stanza();
        return s == null ? null : s.jobs();
    }

    /**
     * The instance with {@code database} chosen; when null, the only database of odoo.conf's db_name or
     * the only Odoo database the server lists.
     */
    public ResolvedInstance resolve(String database) {
        if (database != null) DatabaseNames.check(database, Kind.USAGE, "", null);
        OdooInstance i = instance();
        InstanceConfig s = stanza();
        String db = database != null ? database : s != null && s.database() != null ? s.database() : pickDatabase(i);
        return new ResolvedInstance(i.connection(), db, i.dataDir(), i.filestore(db));
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

    /**
     * Refuses a name Odoo would refuse, saying its rule in words. The restore engine checks too; this
     * check comes first so the message says that a name needs at least two characters.
     */
    static String checkDatabaseName(String name) {
        io.lifeboat.odoo.DatabaseNames.check(name, Kind.USAGE, "", null);
        return name;
    }

    /** Where the data_dir came from, for messages: "--data-dir", "data_dir in FILE" or "the default ...". */
    String dataDirOrigin() {
        OdooInstance i = instance();
        return switch (i.origins().getOrDefault("data_dir", "default")) {
            case "flag" ->
                dataDir == null && stanza() != null
                        ? "data_dir of instance \"" + stanza().name() + "\" in "
                                + StanzaOptions.of(mixee).file()
                        : "--data-dir";
            case "odoo.conf" -> "data_dir in " + i.configFile();
            default ->
                i.configFile() == null
                        ? "the default, as no odoo.conf was found"
                        : "the default, as " + i.configFile() + " sets no data_dir";
        };
    }

    /**
     * Fails with one error when the database references files and its filestore directory is missing, not a
     * directory, or empty: a wrong data_dir, not thousands of missing files. Errors reading the database are
     * left to the command, which reports them in its own words.
     */
    void requireFilestore(ResolvedInstance target) {
        try (Connection c = target.connection().open(target.database())) {
            io.lifeboat.odoo.FilestoreDirectory.require(c, target.database(), target.filestore(), dataDirOrigin());
        } catch (SQLException e) {
            // the command's own connection reports it
        }
    }

    /** pg_dump, pg_restore and psql at least as new as the server. */
    public PgTools tools() {
        OdooInstance i = instance();
        try (Connection c = i.connection().open("postgres")) {
            return PgTools.find(PgServerInfo.read(c).major(), i.pgBin());
        } catch (SQLException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot connect to PostgreSQL at " + i.connection() + ": " + e.getMessage(),
                    "Check db_host/db_port/db_user in odoo.conf, PG* variables or --db-* flags.",
                    e);
        }
    }
}
