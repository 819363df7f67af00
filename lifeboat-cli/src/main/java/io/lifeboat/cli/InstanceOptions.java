package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.config.InstanceConfig;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options that say which Odoo instance to work on: odoo.conf, then {@code PG*} variables, then these
 * flags, as Odoo itself resolves them. With {@code --stanza} ({@link StanzaOptions}), the
 * instance of Lifeboat's configuration file supplies what these flags leave unsaid.
 */
public final class InstanceOptions {

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

    /** The instance of the configuration file {@code --stanza} names, or null. */
    InstanceConfig stanza() {
        StanzaOptions s = StanzaOptions.of(mixee);
        return s == null ? null : s.instance();
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
     * Refuses a name Odoo would refuse, saying its rule in words. The restore engine checks too; this
     * check comes first so the message says that a name needs at least two characters.
     */
    static String checkDatabaseName(String name) {
        return Lifeboat.checkDatabaseName(name);
    }
}
