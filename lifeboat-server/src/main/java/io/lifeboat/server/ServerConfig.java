package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.InstanceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's configuration file (YAML), validated as a whole at start: every mistake is reported with
 * the key it concerns, and nothing starts on a file with unknown keys. Secrets (catalog password, database
 * passwords) are read from the file or from files it names, and are never printed.
 *
 * @param listenHost address the HTTP API listens on
 * @param listenPort port of the HTTP API (0 picks a free one)
 * @param serverName the name this worker reports and that environments are bound to
 * @param catalogUrl {@code sqlite:/path/catalog.db} or {@code jdbc:postgresql://…}
 * @param catalogUser PostgreSQL catalog user, or null
 * @param catalogPassword PostgreSQL catalog password, or null
 * @param store storage location (path, {@code s3:…}, {@code sftp://…}) that holds the backups; every worker
 *     of one catalog must reach the same store
 * @param storeOptions storage options (as the CLI's {@code --repo-option})
 * @param spool local directory for backups being written and downloads being restored
 * @param secretFile file holding the key that signs download links (created with 32 random bytes when absent)
 * @param bootstrapTokenFile optional file with the first portal admin's token, registered at start when no
 *     user exists
 * @param workers how many jobs this worker runs at once
 * @param pollSeconds how often the scheduler looks for due jobs
 * @param heartbeatSeconds how often this worker reports itself
 * @param scheduleSeconds how often this worker looks for due scheduled backups and checks
 * @param publicUrl the address clients reach the API at (e.g. behind a TLS proxy), used in download links;
 *     null: the scheme and host of each request
 * @param instances Odoo instances on this server, by name
 * @param notifications where alerts go (webhooks, email) and how failed deliveries are retried
 * @param drillLargestTables how many of the largest tables a restore drill compares (default 10)
 * @param drillSampleFiles how many filestore files a restore drill hashes; 0 hashes every file
 * @param drillProbe how a restore drill starts Odoo on the restored copy and checks it answers, or null
 */
public record ServerConfig(
        String listenHost,
        int listenPort,
        String serverName,
        String catalogUrl,
        String catalogUser,
        String catalogPassword,
        String store,
        Map<String, String> storeOptions,
        Path spool,
        Path secretFile,
        Path bootstrapTokenFile,
        int workers,
        double pollSeconds,
        int heartbeatSeconds,
        int scheduleSeconds,
        String publicUrl,
        Map<String, InstanceSettings> instances,
        Notify notifications,
        int drillLargestTables,
        long drillSampleFiles,
        Probe drillProbe) {

    private static final Set<String> KEYS = Set.of(
            "listen",
            "server-name",
            "catalog",
            "catalog-user",
            "catalog-password",
            "catalog-password-file",
            "store",
            "store-options",
            "spool",
            "secret-file",
            "bootstrap-token-file",
            "workers",
            "poll-seconds",
            "heartbeat-seconds",
            "schedule-seconds",
            "public-url",
            "instances",
            "notifications",
            "drills");
    private static final Set<String> INSTANCE_KEYS =
            Set.of("odoo-conf", "host", "port", "user", "password", "password-file", "data-dir", "pg-bin", "sslmode");

    public ServerConfig {
        storeOptions = Map.copyOf(storeOptions);
        instances = Map.copyOf(instances);
    }

    /** A server whose last heartbeat is older than this (three missed heartbeats) counts as not alive. */
    public long staleMillis() {
        return 3_000L * heartbeatSeconds;
    }

    @Override
    public String toString() {
        return "ServerConfig[listen=" + listenHost + ":" + listenPort + ", server=" + serverName + ", catalog="
                + redactUrl(catalogUrl) + ", store=" + io.lifeboat.storage.Redaction.redact(store) + ", instances="
                + instances.keySet() + "]";
    }

    /** A JDBC URL with its password parameter hidden. */
    static String redactUrl(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** Reads and validates a configuration file; every problem found is listed in one error. */
    public static ServerConfig load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.newBufferedReader(file));
        } catch (IOException e) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "cannot read the server configuration " + file + ": " + e.getMessage(),
                    "Fix the YAML syntax; docs/server.md shows a complete example.");
        }
        if (root == null || !root.isObject()) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "the server configuration " + file + " is empty or not a mapping",
                    "Start from the example in docs/server.md.");
        }
        Path base = file.toAbsolutePath().getParent();
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) problems.add("unknown key '" + key + "'");
        }
        String listen = text(root, "listen", "127.0.0.1:8480");
        String host = listen;
        int port = 8480;
        int colon = listen.lastIndexOf(':');
        if (listen.matches("\\d+")) {
            host = "127.0.0.1";
            port = Integer.parseInt(listen);
            if (port > 65535) problems.add("listen: port " + port + " is out of range");
        } else if (colon >= 0) {
            host = listen.substring(0, colon);
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
                if (port < 0 || port > 65535) problems.add("listen: port " + port + " is out of range");
            } catch (NumberFormatException e) {
                problems.add("listen: '" + listen + "' is not host:port");
            }
        }
        if (host.isEmpty()) host = "127.0.0.1";
        String serverName = text(root, "server-name", null);
        if (serverName == null) {
            problems.add("server-name is missing (the name environments are bound to, e.g. web1)");
        } else if (!serverName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            problems.add("server-name '" + serverName + "' may hold only letters, digits, '.', '_' and '-'");
        }
        String catalog = text(root, "catalog", null);
        if (catalog == null) {
            problems.add("catalog is missing (sqlite:/var/lib/lifeboat/catalog.db or jdbc:postgresql://host/db)");
        } else if (!catalog.startsWith("sqlite:") && !catalog.startsWith("jdbc:postgresql:")) {
            problems.add("catalog must start with sqlite: or jdbc:postgresql:");
        } else if (catalog.startsWith("sqlite:")) {
            catalog = "sqlite:" + base.resolve(catalog.substring("sqlite:".length()));
        }
        String catalogPassword = secret(root, "catalog-password", "catalog-password-file", base, problems);
        String store = text(root, "store", null);
        if (store == null) problems.add("store is missing (a directory, s3:… or sftp://… all workers reach)");
        else if (!store.matches("[A-Za-z][A-Za-z0-9+.-]+:.*") || store.startsWith("local:")) {
            String p = store.startsWith("local:") ? store.substring("local:".length()) : store;
            store = base.resolve(p).normalize().toString();
        }
        Map<String, String> storeOptions = new LinkedHashMap<>();
        JsonNode so = root.get("store-options");
        if (so != null) {
            if (!so.isObject()) problems.add("store-options must be a mapping");
            else
                so.fields()
                        .forEachRemaining(
                                e -> storeOptions.put(e.getKey(), e.getValue().asText()));
        }
        Path spool = path(root, "spool", base);
        if (spool == null) problems.add("spool is missing (a local directory for backups in progress)");
        Path secretFile = path(root, "secret-file", base);
        if (secretFile == null) problems.add("secret-file is missing (the key that signs download links)");
        int workers = integer(root, "workers", 2, 1, 64, problems);
        int heartbeat = integer(root, "heartbeat-seconds", 10, 1, 3600, problems);
        int scheduleSeconds = integer(root, "schedule-seconds", 30, 1, 3600, problems);
        String publicUrl = text(root, "public-url", null);
        if (publicUrl != null) {
            if (!publicUrl.matches("https?://[^\\s/]+(/[^\\s]*)?"))
                problems.add("public-url must be http(s)://host[:port][/path]");
            publicUrl = publicUrl.replaceAll("/+$", "");
        }
        double poll = 2;
        if (root.has("poll-seconds")) {
            poll = root.get("poll-seconds").asDouble(-1);
            if (poll <= 0 || poll > 600) problems.add("poll-seconds must be a number between 0 and 600");
        }
        Map<String, InstanceSettings> instances = new LinkedHashMap<>();
        JsonNode inst = root.get("instances");
        if (inst != null && !inst.isObject()) problems.add("instances must be a mapping of names to settings");
        if (inst != null && inst.isObject()) {
            inst.fields().forEachRemaining(e -> {
                String name = e.getKey();
                JsonNode n = e.getValue();
                if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                    problems.add("instances: name '" + name + "' may hold only letters, digits, '.', '_' and '-'");
                    return;
                }
                if (!n.isObject()) {
                    problems.add("instances." + name + " must be a mapping");
                    return;
                }
                n.fieldNames().forEachRemaining(k -> {
                    if (!INSTANCE_KEYS.contains(k)) problems.add("instances." + name + ": unknown key '" + k + "'");
                });
                Integer p = null;
                if (n.has("port")) {
                    p = n.get("port").asInt(-1);
                    if (p <= 0 || p > 65535) problems.add("instances." + name + ".port is not a port");
                }
                String password = secret(n, "password", "password-file", base, problems);
                instances.put(
                        name,
                        new InstanceSettings(
                                path(n, "odoo-conf", base),
                                text(n, "host", null),
                                p,
                                text(n, "user", null),
                                password,
                                text(n, "sslmode", null),
                                path(n, "data-dir", base),
                                null,
                                path(n, "pg-bin", base),
                                null,
                                n.has("data-dir") ? "server configuration" : null));
            });
        }
        Notify notify = notifications(root.get("notifications"), base, problems);
        JsonNode drills = root.get("drills");
        int drillLargestTables = 10;
        long drillSampleFiles = 0;
        Probe probe = null;
        if (drills != null && !drills.isObject()) problems.add("drills must be a mapping");
        if (drills != null && drills.isObject()) {
            unknownKeys(drills, "drills", Set.of("largest-tables", "sample-files", "probe"), problems);
            drillLargestTables = integer(drills, "drills.", "largest-tables", 10, 0, 10_000, problems);
            JsonNode sf = drills.get("sample-files");
            if (sf != null && (!sf.canConvertToLong() || !sf.isIntegralNumber() || sf.asLong() < 0)) {
                problems.add("drills.sample-files must be a whole number of 0 or more (0 hashes every file)");
            } else if (sf != null) {
                drillSampleFiles = sf.asLong();
            }
            probe = probe(drills.get("probe"), problems);
        }
        if (!problems.isEmpty()) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE,
                    "the server configuration " + file + " is not valid: " + String.join("; ", problems),
                    "Fix these keys; docs/server.md lists every key with an example.");
        }
        return new ServerConfig(
                host,
                port,
                serverName,
                catalog,
                text(root, "catalog-user", null),
                catalogPassword,
                store,
                storeOptions,
                spool,
                secretFile,
                path(root, "bootstrap-token-file", base),
                workers,
                poll,
                heartbeat,
                scheduleSeconds,
                publicUrl,
                instances,
                notify,
                drillLargestTables,
                drillSampleFiles,
                probe);
    }

    private static String text(JsonNode n, String key, String dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.asText().isBlank()
                ? dflt
                : v.asText().trim();
    }

    private static Path path(JsonNode n, String key, Path base) {
        String v = text(n, key, null);
        return v == null ? null : base.resolve(v).normalize();
    }

    private static int integer(JsonNode n, String key, int dflt, int min, int max, List<String> problems) {
        return integer(n, "", key, dflt, min, max, problems);
    }

    private static int integer(
            JsonNode n, String prefix, String key, int dflt, int min, int max, List<String> problems) {
        JsonNode v = n.get(key);
        if (v == null) return dflt;
        if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            problems.add(prefix + key + " must be a whole number from " + min + " to " + max);
            return dflt;
        }
        return v.asInt();
    }

    private static String secret(JsonNode n, String key, String fileKey, Path base, List<String> problems) {
        String inline = text(n, key, null);
        Path f = path(n, fileKey, base);
        if (inline != null && f != null) problems.add("give either " + key + " or " + fileKey + ", not both");
        if (f == null) return inline;
        try {
            return Files.readString(f).strip();
        } catch (IOException e) {
            problems.add(fileKey + ": cannot read " + f + " (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }
    /**
     * Where alerts go, and how failed deliveries are retried: after attempt n fails the next comes
     * {@code retryBaseSeconds * 2^(n-1)} seconds later, until {@code maxAttempts} attempts have failed.
     */
    public record Notify(int retryBaseSeconds, int maxAttempts, List<Webhook> webhooks, Email email) {
        public static final Notify NONE = new Notify(30, 8, List.of(), null);

        public Notify {
            webhooks = List.copyOf(webhooks);
        }
    }

    /** A webhook: POSTed JSON signed with HMAC-SHA256 of the secret; {@code events} it is sent. */
    public record Webhook(String url, String secret, Set<String> events) {
        public Webhook {
            events = Set.copyOf(events);
        }

        @Override
        public String toString() {
            return "Webhook[url=" + io.lifeboat.storage.Redaction.redact(url) + ", events=" + events + "]";
        }
    }

    /**
     * Email through an SMTP server.
     *
     * @param security {@code starttls}, {@code ssl} or {@code none}
     */
    public record Email(
            String host,
            int port,
            String security,
            String user,
            String password,
            String from,
            List<String> to,
            Set<String> events) {
        public Email {
            to = List.copyOf(to);
            events = Set.copyOf(events);
        }

        @Override
        public String toString() {
            return "Email[host=" + host + ":" + port + ", security=" + security + ", from=" + from + ", to=" + to
                    + ", events=" + events + "]";
        }
    }

    /**
     * How a restore drill checks that Odoo starts on the restored copy: {@code command} (with {@code {database}}
     * and {@code {port}} replaced) is started, then {@code url} must answer within {@code timeoutSeconds}.
     */
    public record Probe(List<String> command, String url, int timeoutSeconds) {
        public Probe {
            command = List.copyOf(command);
        }
    }

    private static final Set<String> NOTIFY_KEYS = Set.of("retry-base-seconds", "max-attempts", "webhooks", "email");
    private static final Set<String> WEBHOOK_KEYS = Set.of("url", "secret-file", "events");
    private static final Set<String> EMAIL_KEYS =
            Set.of("host", "port", "security", "user", "password-file", "from", "to", "events");

    private static void unknownKeys(JsonNode n, String where, Set<String> known, List<String> problems) {
        n.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) problems.add(where + ": unknown key '" + k + "'");
        });
    }

    private static Notify notifications(JsonNode n, Path base, List<String> problems) {
        if (n == null || n.isNull()) return Notify.NONE;
        if (!n.isObject()) {
            problems.add("notifications must be a mapping");
            return Notify.NONE;
        }
        unknownKeys(n, "notifications", NOTIFY_KEYS, problems);
        int retryBase = integer(n, "notifications.", "retry-base-seconds", 30, 1, 86_400, problems);
        int maxAttempts = integer(n, "notifications.", "max-attempts", 8, 1, 100, problems);
        List<Webhook> webhooks = new ArrayList<>();
        JsonNode hooks = n.get("webhooks");
        if (hooks != null && !hooks.isArray()) problems.add("notifications.webhooks must be a list");
        if (hooks != null && hooks.isArray()) {
            for (int i = 0; i < hooks.size(); i++) {
                String where = "notifications.webhooks[" + i + "]";
                JsonNode h = hooks.get(i);
                if (!h.isObject()) {
                    problems.add(where + " must be a mapping with url and secret-file");
                    continue;
                }
                unknownKeys(h, where, WEBHOOK_KEYS, problems);
                String url = text(h, "url", null);
                if (url == null) problems.add(where + ".url is missing");
                else if (!url.matches("https?://[^\\s/?#]+([/?#]\\S*)?")) {
                    problems.add(where + ".url must be http(s)://host[:port][/path]");
                }
                String secret = secretFile(h, where, "secret-file", base, true, problems);
                webhooks.add(new Webhook(url, secret, events(h, where, problems)));
            }
        }
        Email email = null;
        JsonNode e = n.get("email");
        if (e != null && !e.isObject()) problems.add("notifications.email must be a mapping");
        if (e != null && e.isObject()) {
            String where = "notifications.email";
            unknownKeys(e, where, EMAIL_KEYS, problems);
            String host = text(e, "host", null);
            if (host == null) problems.add(where + ".host is missing (the SMTP server)");
            String security = text(e, "security", "starttls").toLowerCase(java.util.Locale.ROOT);
            if (!Set.of("starttls", "ssl", "none").contains(security)) {
                problems.add(where + ".security must be starttls, ssl or none");
            }
            int port = integer(
                    e,
                    where + ".",
                    "port",
                    "ssl".equals(security) ? 465 : "none".equals(security) ? 25 : 587,
                    1,
                    65535,
                    problems);
            String user = text(e, "user", null);
            String password = secretFile(e, where, "password-file", base, false, problems);
            if (password != null && user == null) problems.add(where + ".password-file needs a user");
            String from = text(e, "from", null);
            if (from == null) problems.add(where + ".from is missing (the sender address)");
            else if (!address(from)) problems.add(where + ".from '" + from + "' is not an email address");
            List<String> to = new ArrayList<>();
            JsonNode t = e.get("to");
            if (t != null && t.isTextual() && !t.asText().isBlank())
                to.add(t.asText().trim());
            else if (t != null && t.isArray()) t.forEach(x -> to.add(x.asText().trim()));
            if (to.isEmpty()) problems.add(where + ".to is missing (a list of recipient addresses)");
            for (String a : to) {
                if (!address(a)) problems.add(where + ".to: '" + a + "' is not an email address");
            }
            email = new Email(host, port, security, user, password, from, to, events(e, where, problems));
        }
        return new Notify(retryBase, maxAttempts, webhooks, email);
    }

    private static boolean address(String a) {
        return a.matches("[^@\\s<>]+@[^@\\s<>]+");
    }

    private static String secretFile(
            JsonNode n, String where, String key, Path base, boolean required, List<String> problems) {
        Path f = path(n, key, base);
        if (f == null) {
            if (required) problems.add(where + "." + key + " is missing (a file holding the signing secret)");
            return null;
        }
        try {
            String secret = Files.readString(f).strip();
            if (secret.isEmpty()) problems.add(where + "." + key + ": " + f + " is empty");
            return secret;
        } catch (IOException e) {
            problems.add(where + "." + key + ": cannot read " + f + " ("
                    + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    private static Set<String> events(JsonNode n, String where, List<String> problems) {
        JsonNode ev = n.get("events");
        if (ev == null || ev.isNull()) return Set.copyOf(Notifications.EVENTS);
        if (!ev.isArray() || ev.isEmpty()) {
            problems.add(where + ".events must be a list of events (default: all of " + Notifications.EVENTS + ")");
            return Set.of();
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (JsonNode x : ev) {
            if (Notifications.EVENTS.contains(x.asText())) out.add(x.asText());
            else {
                problems.add(where + ".events: unknown event '" + x.asText() + "' (valid: "
                        + String.join(", ", Notifications.EVENTS) + ")");
            }
        }
        return out;
    }

    private static Probe probe(JsonNode p, List<String> problems) {
        if (p == null || p.isNull()) return null;
        if (!p.isObject()) {
            problems.add("drills.probe must be a mapping with command, url and timeout-seconds");
            return null;
        }
        unknownKeys(p, "drills.probe", Set.of("command", "url", "timeout-seconds"), problems);
        List<String> command = new ArrayList<>();
        JsonNode c = p.get("command");
        if (c == null || !c.isArray() || c.isEmpty()) {
            problems.add("drills.probe.command must be a list: the program and its arguments");
        } else {
            c.forEach(x -> command.add(x.asText()));
        }
        String url = text(p, "url", null);
        if (url == null || !url.matches("https?://\\S+")) {
            problems.add("drills.probe.url must be an http(s) URL (e.g. http://127.0.0.1:{port}/web/login)");
        }
        int timeout = integer(p, "drills.probe.", "timeout-seconds", 120, 1, 3600, problems);
        return new Probe(command, url, timeout);
    }
}
