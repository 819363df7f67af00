package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.usecase.Context;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The two databases of a point-in-time repair: production, resolved as every command resolves an instance
 * (odoo.conf, {@code PG*} variables, flags), and the side copy, on the server and as the user {@link Side}
 * says, production's where it says nothing.
 */
public final class Databases {
    private Databases() {}

    /**
     * Where the side copy is: null fields mean production's host, port and user (and then its password).
     *
     * @param host host of the side copy's server
     * @param port port of the side copy's server
     * @param user user to connect as
     * @param database the side copy's database (required)
     */
    public record Side(String host, Integer port, String user, String database) {}

    /** Production's server and database. */
    public record Production(PgConnection server, String database) {}

    /** Production as {@code settings} and {@code database} (null: the only one) resolve it. */
    public static Production production(LifeboatSettings settings, String database) {
        Context.Target t = new Context(settings).resolve(database);
        return new Production(t.connection(), t.database());
    }

    /** Opens production. */
    public static Connection open(Production p) throws SQLException {
        return p.server().open(p.database());
    }

    /**
     * Opens the side copy.
     *
     * @throws LifeboatException {@code USAGE} without a side database, or when it is production itself
     */
    public static Connection openSide(Production p, Side side) throws SQLException {
        if (side == null || side.database() == null) {
            throw new LifeboatException(
                    Kind.USAGE, "no side copy given", "Name the recovered side copy with --side-db (and --side-port).");
        }
        DatabaseNames.check(side.database(), Kind.USAGE, " (--side-db)", null);
        PgConnection prod = p.server();
        boolean sameUser = side.user() == null || side.user().equals(prod.user());
        PgConnection server = new PgConnection(
                side.host() != null ? side.host() : prod.host(),
                side.port() != null ? side.port() : prod.port(),
                sameUser ? prod.user() : side.user(),
                sameUser ? prod.password() : null,
                prod.sslmode());
        if (server.toString().equals(prod.toString()) && side.database().equals(p.database())) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "the side copy is production itself: " + p.database() + " on " + prod,
                    "Name the recovered copy with --side-db, --side-port or --side-host.");
        }
        return server.open(side.database());
    }
}
