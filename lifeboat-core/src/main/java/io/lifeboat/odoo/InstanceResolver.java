package io.lifeboat.odoo;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.postgres.PgConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves an {@link OdooInstance} the way Odoo 16/17 itself would, in three layers:
 *
 * <ol>
 *   <li>{@code odoo.conf} ({@code [options]}): {@code db_host}, {@code db_port}, {@code db_user},
 *       {@code db_password}, {@code db_sslmode}, {@code db_name}, {@code dbfilter}, {@code
 *       db_template}, {@code list_db}, {@code data_dir}, {@code addons_path}, {@code pg_path}. A
 *       value Odoo treats as false ({@code False}, {@code false}, empty, port 0) counts as unset,
 *       because Odoo then passes nothing to libpq;
 *   <li>{@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE} and
 *       {@code PGDATABASE} fill what the file leaves unset (libpq reads them when Odoo passes
 *       nothing);
 *   <li>{@link Overrides} (command-line flags) replace both.
 * </ol>
 *
 * <p>Differences from Odoo, on purpose: Odoo always passes its default {@code sslmode=prefer},
 * which hides {@code PGSSLMODE}; here {@code PGSSLMODE} applies when the file sets no {@code
 * db_sslmode}. Odoo ignores {@code PGDATABASE}; here it stands in for an unset {@code db_name}.
 *
 * <p>{@code data_dir} follows Odoo: the configured value with {@code $VAR}/{@code ${VAR}} and a
 * leading {@code ~} expanded, made absolute and symlink-resolved; unset, it is {@code
 * $XDG_DATA_HOME/Odoo} or {@code ~/.local/share/Odoo} (appdirs' {@code user_data_dir}), or {@code
 * /var/lib/odoo} when the home directory does not exist. {@code ~user} is not expanded.
 *
 * <p>Stateless and thread-safe.
 */
public final class InstanceResolver {

    private static final Set<String> SSLMODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Pattern ENV_VAR = Pattern.compile("\\$(\\w+|\\{[^}]*\\})");

    private InstanceResolver() {}

    /**
     * Explicit settings that override odoo.conf and the environment; null fields override nothing.
     * The password is never part of {@link #toString()}.
     */
    public record Overrides(
            String dbHost,
            Integer dbPort,
            String dbUser,
            String dbPassword,
            String dbSslmode,
            String dbName,
            String dbFilter,
            Path dataDir,
            String addonsPath,
            Path odooBin,
            Path pgBin) {

        /** Overrides nothing. */
        public static final Overrides NONE =
                new Overrides(null, null, null, null, null, null, null, null, null, null, null);

        @Override
        public String toString() {
            return "Overrides[dbHost=" + dbHost + ", dbPort=" + dbPort + ", dbUser=" + dbUser + ", dbPassword="
                    + (dbPassword == null ? null : "***") + ", dbSslmode=" + dbSslmode + ", dbName=" + dbName
                    + ", dbFilter=" + dbFilter + ", dataDir=" + dataDir + ", addonsPath=" + addonsPath
                    + ", odooBin=" + odooBin + ", pgBin=" + pgBin + "]";
        }
    }

    /**
     * The configuration file Odoo reads when given no {@code -c}: {@code $ODOO_RC}, else {@code
     * $OPENERP_SERVER}, else {@code ~/.odoorc}, else {@code ~/.openerp_serverrc}; null when none of
     * these is set or exists. Odoo refuses to start when both files exist in the home directory, and so
     * does this. Unlike Odoo, a file named by a variable must exist (Odoo would silently run without).
     */
    public static Path defaultConfigFile(Map<String, String> env) {
        for (String variable : List.of("ODOO_RC", "OPENERP_SERVER")) {
            String v = env.get(variable);
            if (v != null && !v.isEmpty()) {
                Path p = normalize(v, env);
                if (!Files.exists(p)) {
                    throw new LifeboatException(
                            Kind.USAGE,
                            "no such file or directory: " + p + " (the odoo configuration file named by " + variable
                                    + ")",
                            "Set " + variable + " to the odoo.conf the Odoo server is started with, or pass -c.");
                }
                return p;
            }
        }
        Path rc = Path.of(home(env), ".odoorc");
        Path old = Path.of(home(env), ".openerp_serverrc");
        if (Files.isRegularFile(rc) && Files.isRegularFile(old)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "found both " + rc + " and " + old + "; Odoo refuses to start with both",
                    "Keep only one of them, preferably .odoorc, or pass -c.");
        }
        if (Files.isRegularFile(rc)) return rc;
        if (Files.isRegularFile(old)) return old;
        return null;
    }

    /**
     * Resolves from a parsed configuration (or none), an environment (for {@code PG*}, {@code
     * HOME}, {@code XDG_DATA_HOME} and variables in paths) and {@code overrides}. Relative paths
     * are taken relative to this process's working directory.
     */
    public static OdooInstance resolve(OdooConfig config, Map<String, String> env, Overrides overrides) {
        Overrides o = overrides == null ? Overrides.NONE : overrides;
        Map<String, String> origins = new HashMap<>();
        Layers l = new Layers(config, env, origins);

        String host = l.pick("host", l.conf("db_host"), "PGHOST", o.dbHost());
        String portText = l.pick(
                "port",
                l.confPort(),
                "PGPORT",
                o.dbPort() == null ? null : o.dbPort().toString());
        Integer port = portText == null ? null : parsePort(portText, origins.get("port"));
        String user = l.pick("user", l.conf("db_user"), "PGUSER", o.dbUser());
        String password = l.pick("password", l.conf("db_password"), "PGPASSWORD", o.dbPassword());
        String sslmode = l.pick("sslmode", l.conf("db_sslmode"), "PGSSLMODE", o.dbSslmode());
        if (sslmode != null && !SSLMODES.contains(sslmode)) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "invalid sslmode '" + sslmode + "' from " + origins.get("sslmode"),
                    "Use one of disable, allow, prefer, require, verify-ca, verify-full.");
        }
        String dbName = l.pick("db_name", l.conf("db_name"), "PGDATABASE", o.dbName());
        String dbFilter = l.pick("dbfilter", l.conf("dbfilter"), null, o.dbFilter());
        String template = l.conf("db_template");
        boolean listDb = config == null
                || config.get("list_db")
                        .map(v -> !v.isEmpty() && !OdooConfig.isOdooFalse(v))
                        .orElse(true);

        Path dataDir;
        if (o.dataDir() != null) {
            origins.put("data_dir", "flag");
            dataDir = normalize(o.dataDir().toString(), env);
        } else if (config != null && config.get("data_dir").isPresent()) {
            String raw = config.get("data_dir").get();
            if (OdooConfig.pyStrip(raw).isEmpty() || OdooConfig.isOdooFalse(raw)) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "data_dir is empty in " + config.sourceName(),
                        "Set data_dir in odoo.conf to the directory holding filestore/, or pass --data-dir.");
            }
            origins.put("data_dir", "odoo.conf");
            dataDir = normalize(raw, env);
        } else {
            origins.put("data_dir", "default");
            dataDir = normalize(defaultDataDir(env), env);
        }

        List<Path> addons = new ArrayList<>();
        String addonsRaw = o.addonsPath() != null ? o.addonsPath() : l.conf("addons_path");
        if (addonsRaw != null && !addonsRaw.equals("None")) {
            origins.put("addons_path", o.addonsPath() != null ? "flag" : "odoo.conf");
            for (String p : addonsRaw.split(",")) {
                if (!OdooConfig.pyStrip(p).isEmpty()) {
                    addons.add(normalize(p, env));
                }
            }
        }
        Path pgBin = null;
        if (o.pgBin() != null) {
            origins.put("pg_bin", "flag");
            pgBin = normalize(o.pgBin().toString(), env);
        } else if (l.conf("pg_path") != null && !l.conf("pg_path").equals("None")) {
            origins.put("pg_bin", "odoo.conf");
            pgBin = normalize(l.conf("pg_path"), env);
        }
        Path odooBin = null;
        if (o.odooBin() != null) {
            origins.put("odoo_bin", "flag");
            odooBin = normalize(o.odooBin().toString(), env);
        }
        Path configFile = config == null ? null : Path.of(config.sourceName()).toAbsolutePath();
        return new OdooInstance(
                configFile,
                new PgConnection(host, port, user, password, sslmode),
                dbName,
                dbFilter,
                template == null ? "template1" : template,
                listDb,
                dataDir,
                addons,
                odooBin,
                pgBin,
                origins);
    }

    /** appdirs' {@code user_data_dir('Odoo', 'OpenERP S.A.')} on Linux, or Odoo's fallback. */
    static String defaultDataDir(Map<String, String> env) {
        String home = home(env);
        if (!Files.isDirectory(Path.of(home))) {
            return "/var/lib/odoo";
        }
        String base = env.containsKey("XDG_DATA_HOME")
                ? env.get("XDG_DATA_HOME")
                : Path.of(home, ".local", "share").toString();
        return base.isEmpty() ? "Odoo" : Path.of(base, "Odoo").toString();
    }

    /**
     * Odoo's {@code _normalize}: {@code realpath(abspath(expanduser(expandvars(path.strip()))))}.
     */
    static Path normalize(String raw, Map<String, String> env) {
        String s = expandVars(OdooConfig.pyStrip(raw), env);
        if (s.equals("~") || s.startsWith("~/")) {
            s = home(env) + s.substring(1);
        }
        return realPath(Path.of(s).toAbsolutePath().normalize());
    }

    /** Python's {@code posixpath.expandvars}: unknown variables stay as they are. */
    static String expandVars(String s, Map<String, String> env) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        Matcher m = ENV_VAR.matcher(s);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            String name = m.group(1);
            if (name.startsWith("{")) {
                name = name.substring(1, name.length() - 1);
            }
            String value = env.get(name);
            if (value != null) {
                sb.append(s, last, m.start()).append(value);
                last = m.end();
            }
        }
        return sb.append(s.substring(last)).toString();
    }

    /** Resolves symbolic links in the longest existing prefix, like Python's non-strict realpath. */
    private static Path realPath(Path absolute) {
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }

    private static String home(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null ? home : System.getProperty("user.home");
    }

    private static Integer parsePort(String text, String origin) {
        Integer port = null;
        if (origin.equals("odoo.conf")) {
            port = parseOptparseInt(OdooConfig.pyStrip(text));
        } else if (text.matches("\\d{1,5}")) {
            port = Integer.parseInt(text);
        }
        if (port == null || port < 1 || port > 65535) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "invalid database port '" + text + "' from " + origin,
                    "Set the PostgreSQL port as a number between 1 and 65535.");
        }
        return port;
    }

    /** optparse's {@code int} type: {@code 0x}, {@code 0b} and a leading {@code 0} (octal) prefixes. */
    static Integer parseOptparseInt(String text) {
        String v = text;
        boolean negative = false;
        if (v.startsWith("-") || v.startsWith("+")) {
            negative = v.startsWith("-");
            v = v.substring(1);
        }
        int radix = 10;
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            v = v.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            v = v.length() == 2 ? "0" : v.substring(2);
        } else if (v.startsWith("0") && v.length() > 1) {
            radix = 8;
            v = v.substring(1);
        }
        v = v.replace("_", "");
        try {
            int n = Integer.parseInt(v, radix);
            return negative ? -n : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The three layers of one setting. */
    private record Layers(OdooConfig config, Map<String, String> env, Map<String, String> origins) {

        /** The config value, or null when absent or false for Odoo ({@code False}, empty). */
        String conf(String option) {
            if (config == null) {
                return null;
            }
            String v = config.get(option).orElse(null);
            if (v == null || v.isEmpty() || OdooConfig.isOdooFalse(v)) {
                return null;
            }
            return v;
        }

        /** db_port is falsy for Odoo when 0 as well. */
        String confPort() {
            String v = conf("db_port");
            if (v != null && Integer.valueOf(0).equals(parseOptparseInt(OdooConfig.pyStrip(v)))) {
                return null;
            }
            return v;
        }

        String pick(String key, String fromConfig, String envVar, String override) {
            if (override != null) {
                origins.put(key, "flag");
                return override;
            }
            if (fromConfig != null) {
                origins.put(key, "odoo.conf");
                return fromConfig;
            }
            if (envVar != null) {
                String v = env.get(envVar);
                if (v != null && !v.isEmpty()) {
                    origins.put(key, envVar);
                    return v;
                }
            }
            return null;
        }
    }
}
