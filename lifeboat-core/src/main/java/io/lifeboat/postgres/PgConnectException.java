package io.lifeboat.postgres;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * A connection to PostgreSQL that could not be opened, with a message naming the server and a hint
 * naming the setting to check (odoo.conf key, {@code PG*} variable, flag). A {@link SQLException}, so
 * code that handles SQL failures handles it too; front ends find it in a cause chain with {@link
 * #in(Throwable)} and show its hint.
 */
public final class PgConnectException extends SQLException {
    private static final long serialVersionUID = 1L;

    private final String hint;

    private PgConnectException(String message, String sqlState, String hint, SQLException cause) {
        super(message, sqlState, cause);
        this.hint = hint;
    }

    /** A full sentence telling the user which setting to check. */
    public String hint() {
        return hint;
    }

    /** The first {@code PgConnectException} in {@code t}'s cause chain, or null. */
    public static PgConnectException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PgConnectException p) return p;
        }
        return null;
    }

    /** Explains the driver's failure to connect to {@code server}. */
    static PgConnectException of(PgConnection server, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String text = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^FATAL: ", "");
        String user = server.user() == null ? "the default role" : "role " + server.user();
        String what;
        String hint;
        if (cause(e, UnknownHostException.class)) {
            String host = server.host() == null ? "localhost" : server.host();
            what = "unknown host " + host;
            hint = "Check db_host in odoo.conf, PGHOST or --db-host.";
        } else if (cause(e, ConnectException.class)) {
            what = "connection refused";
            hint = "Check that PostgreSQL is running and listening there: db_host and db_port in odoo.conf,"
                    + " PGHOST and PGPORT, or --db-host and --db-port.";
        } else if (state.equals("28P01")) {
            what = text;
            hint = "Check the password of " + user + ": db_password in odoo.conf, or PGPASSWORD when odoo.conf"
                    + " sets none.";
        } else if (text.contains("no password was provided")) {
            what = "the server asks " + user + " for a password and none was given";
            hint = "Set db_password in odoo.conf, or PGPASSWORD.";
        } else if (state.equals("28000")) {
            what = text;
            hint = "Check db_user in odoo.conf, PGUSER or --db-user, and the server's pg_hba.conf.";
        } else {
            what = text;
            hint = "Check db_host, db_port, db_user and db_password in odoo.conf, PG* variables or --db-* flags.";
        }
        return new PgConnectException(
                "cannot connect to PostgreSQL at " + server + ": " + what, e.getSQLState(), hint, e);
    }

    private static boolean cause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }
}
