package io.lifeboat.pitr;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.PitrSide;
import io.lifeboat.odoo.DatabaseNames;
import io.lifeboat.postgres.PgConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The two databases of a point-in-time repair: production, and the side copy on the server and as the user
 * {@link PitrSide} says, production's where it says nothing.
 */
public final class Databases {
    private Databases() {}

    /** Production's server and database. */
    public record Production(PgConnection server, String database) {
        /** Opens production. */
        public Connection open() throws SQLException {
            return server.open(database);
        }
    }

    /**
     * Opens the side copy.
     *
     * @throws LifeboatException {@code USAGE} without a side database, or when it is production itself
     */
    public static Connection openSide(Production p, PitrSide side) throws SQLException {
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
