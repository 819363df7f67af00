package io.lifeboat.odoo;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the Odoo databases an instance serves, as Odoo 16/17 does ({@code odoo.service.db.list_dbs}
 * followed by {@code odoo.http.db_filter}), keeping only databases that hold Odoo data.
 *
 * <ol>
 *   <li>Candidates: with a {@code db_name} and no {@code dbfilter}, the names in {@code db_name};
 *       otherwise the databases owned by the connecting user that are not templates, accept
 *       connections and are neither {@code postgres} nor {@code db_template}, by name. {@code
 *       list_db = False} does not hide anything here: Odoo lists anyway when it picks the database
 *       of a request.
 *   <li>{@code dbfilter}, if set: {@code %h} becomes the host of the HTTP request without port and
 *       leading {@code www.}, {@code %d} its first label, both regex-escaped; names matching the
 *       expression at their start are kept (Python's {@code re.match}). Without a {@code dbfilter},
 *       a {@code db_name} keeps only the databases it names.
 *   <li>Only databases having the table {@code ir_module_module} remain; names that do not exist or
 *       cannot be connected to are left out (logged).
 * </ol>
 *
 * <p>There is no HTTP request when Lifeboat lists databases: unless a host is given, {@code %h}
 * and {@code %d} are replaced by the empty string, exactly as Odoo does for a request without a
 * {@code Host} header. A filter such as {@code ^%d$} then matches nothing; pass the site's host
 * name (see {@link #dependsOnHost(Options)}).
 *
 * <p>Python regular expression syntax is supported as far as it agrees with Java's, plus named
 * groups {@code (?P<name>...)} and back-references {@code (?P=name)}.
 */
public final class DatabaseLister {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseLister.class);

    /** Maintenance databases tried, in order, to list the others (Odoo uses {@code postgres}). */
    private static final List<String> MAINTENANCE_DBS = List.of("postgres", "template1");

    private static final String LIST_SQL = "SELECT datname FROM pg_database"
            + " WHERE datdba = (SELECT usesysid FROM pg_user WHERE usename = current_user)"
            + " AND NOT datistemplate AND datallowconn AND datname <> ALL (?) ORDER BY datname";

    private static final String IS_ODOO_SQL = "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relname = 'ir_module_module' AND n.nspname = current_schema()";

    private DatabaseLister() {}

    /**
     * The Odoo options that decide which databases are listed.
     *
     * @param dbName {@code db_name} (comma-separated names), or null
     * @param dbFilter the {@code dbfilter} option, or null/empty for none
     * @param dbTemplate {@code db_template}, or null for {@code template1}
     */
    public record Options(String dbName, String dbFilter, String dbTemplate) {

        /** The options of a resolved instance. */
        public static Options of(OdooInstance instance) {
            return new Options(instance.dbName(), instance.dbFilter(), instance.dbTemplate());
        }

        boolean hasFilter() {
            return dbFilter != null && !dbFilter.isEmpty();
        }

        boolean hasDbName() {
            return dbName != null && !dbName.isEmpty();
        }
    }

    /**
     * Lists the Odoo databases visible through {@code connection} (its database fields are
     * ignored; the maintenance database {@code postgres}, or else {@code template1}, is used).
     *
     * @param httpHost the {@code Host} of the site, for {@code %h}/{@code %d}; null for none
     * @throws LifeboatException {@code ENVIRONMENT} if the server cannot be queried, {@code
     *     BAD_INPUT} if {@code dbfilter} is not a valid regular expression
     */
    public static List<String> list(PgConnection connection, Options options, String httpHost) {
        List<String> candidates;
        if (!options.hasFilter() && options.hasDbName()) {
            candidates = new ArrayList<>(new TreeSet<>(names(options.dbName())));
        } else {
            candidates = ownedDatabases(connection, options);
        }
        List<String> odoo = new ArrayList<>();
        for (String db : filter(candidates, options, httpHost)) {
            if (isOdooDatabase(connection, db)) {
                odoo.add(db);
            }
        }
        return odoo;
    }

    /**
     * Odoo's {@code db_filter}: the names of {@code databases} that {@code dbfilter} (or, without
     * one, {@code db_name}) lets through. Pure; does not touch any server.
     */
    public static List<String> filter(List<String> databases, Options options, String httpHost) {
        if (options.hasFilter()) {
            Pattern p = compile(options.dbFilter(), httpHost);
            return databases.stream().filter(db -> p.matcher(db).lookingAt()).toList();
        }
        if (options.hasDbName()) {
            Set<String> exposed = new TreeSet<>(names(options.dbName()));
            exposed.retainAll(Set.copyOf(databases));
            return List.copyOf(exposed);
        }
        return List.copyOf(databases);
    }

    /** Whether the result depends on the HTTP host: {@code dbfilter} uses {@code %h} or {@code %d}. */
    public static boolean dependsOnHost(Options options) {
        return options.hasFilter()
                && (options.dbFilter().contains("%h") || options.dbFilter().contains("%d"));
    }

    private static Pattern compile(String dbfilter, String httpHost) {
        String host = httpHost == null ? "" : httpHost;
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        if (host.startsWith("www.")) {
            host = host.substring(4);
        }
        int dot = host.indexOf('.');
        String domain = dot >= 0 ? host.substring(0, dot) : host;
        String regex = dbfilter.replace("%h", pyEscape(host)).replace("%d", pyEscape(domain));
        regex = regex.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "dbfilter '" + dbfilter + "' is not a valid regular expression: " + e.getDescription(),
                    "Fix dbfilter in odoo.conf or pass --db-filter.",
                    e);
        }
    }

    /** Python's {@code re.escape} (3.7+): escapes the regex special characters only. */
    static String pyEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("()[]{}?*+-|^$\\.&~# \t\n\r\u000b\f".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static List<String> names(String dbName) {
        List<String> out = new ArrayList<>();
        for (String n : dbName.split(",", -1)) {
            out.add(OdooConfig.pyStrip(n));
        }
        return out;
    }

    private static List<String> ownedDatabases(PgConnection connection, Options options) {
        Set<String> excluded = new LinkedHashSet<>(List.of("postgres"));
        excluded.add(options.dbTemplate() == null ? "template1" : options.dbTemplate());
        SQLException last = null;
        for (String maintenance : MAINTENANCE_DBS) {
            try (Connection c = connection.open(maintenance);
                    PreparedStatement ps = c.prepareStatement(LIST_SQL)) {
                ps.setArray(1, c.createArrayOf("text", excluded.toArray()));
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            } catch (SQLException e) {
                last = e;
                if (!"3D000".equals(e.getSQLState())) {
                    break;
                }
            }
        }
        throw new LifeboatException(
                Kind.ENVIRONMENT,
                "cannot list databases on " + connection + ": " + last.getMessage(),
                "Check the database host, port, user and password (odoo.conf, PG* variables or flags).",
                last);
    }

    private static boolean isOdooDatabase(PgConnection connection, String db) {
        try (Connection c = connection.open(db);
                PreparedStatement ps = c.prepareStatement(IS_ODOO_SQL);
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            if ("3D000".equals(e.getSQLState())) {
                LOG.debug("database {} does not exist", db);
            } else {
                LOG.warn("skipping database {}: {}", db, e.getMessage());
            }
            return false;
        }
    }
}
