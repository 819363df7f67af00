package io.lifeboat.api;

import java.nio.file.Path;

/**
 * Which Odoo instance to work on. Resolution follows Odoo: the configuration file (when {@code odooConf}
 * is null, the one Odoo would read: {@code $ODOO_RC}, {@code $OPENERP_SERVER}, {@code ~/.odoorc}), then
 * the {@code PG*} variables of {@link LifeboatSettings#environment()}, then the non-null fields here.
 *
 * @param database the database when a request names none, or null (then the only one there is)
 * @param dataDirOrigin where {@code dataDir} came from, for messages ("--data-dir"), or null
 */
public record InstanceSettings(
        Path odooConf,
        String host,
        Integer port,
        String user,
        String password,
        String sslmode,
        Path dataDir,
        Path odooBin,
        Path pgBin,
        String database,
        String dataDirOrigin) {

    /** odoo.conf as Odoo finds it, nothing overridden. */
    public static InstanceSettings defaults() {
        return new InstanceSettings(null, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
        return "InstanceSettings[odooConf=" + odooConf + ", host=" + host + ", port=" + port + ", user=" + user
                + ", password=" + (password == null ? null : "***") + ", dataDir=" + dataDir + ", database="
                + database + "]";
    }
}
