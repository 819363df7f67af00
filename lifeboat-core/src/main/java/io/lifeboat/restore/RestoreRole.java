package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgConnection;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The throw-away login role a restore loads a dump as: it owns nothing but the temporary database, has
 * no attributes beyond LOGIN and no memberships, so the dump's SQL (and the functions it defines, which
 * run during the load: index expressions, constraints, triggers) cannot reach the other databases of
 * the connecting role, change that role, or create roles or databases. {@code SET ROLE} in the dump
 * has nowhere to go. The connecting role is made a member of it (to create its database and take its
 * objects back); never the other way round.
 *
 * <p>Its password is random, held only in memory for the run; its name is {@code lifeboat_restore_<id>},
 * the id being the one in the temporary database's name, so a leftover of a killed run is recognisable.
 *
 * @param name role name
 * @param connection the server, as this role (over TCP when the configured host is a socket directory:
 *     a socket connection may use peer authentication, which no OS user matches)
 */
record RestoreRole(String name, PgConnection connection) {

    /** Prefix of every restore role's name. */
    static final String PREFIX = "lifeboat_restore_";

    static RestoreRole create(Admin admin, PgConnection server, String id) throws SQLException {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        String name = PREFIX + id;
        admin.createRestoreRole(name, password);
        return new RestoreRole(name, server.overTcp().withUser(name, password));
    }

    /** Drops the role; it must own nothing any more. */
    void drop(Admin admin) {
        if (!admin.dropRoleQuietly(name)) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "the restore role " + name + " could not be dropped",
                    "It still owns something; inspect it with \\du and DROP OWNED BY / DROP ROLE it as an administrator.");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
