package io.lifeboat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts to the webhooks and the email address of the configuration. {@link #notify} writes one delivery per
 * subscribed channel to an outbox table of the catalog and returns; a dispatcher thread of each worker claims
 * due deliveries (a conditional update that takes a lease, so that workers sharing a catalog send each once),
 * sends them, and retries failures with exponential backoff until the configured number of attempts has
 * failed. Deliveries outlive a restart: what is pending is sent when a worker is back.
 */
final class Notifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    /** The alerts there are; a channel subscribes to all of them unless it lists some. */
    static final List<String> EVENTS = List.of(
            "backup.failed", "backup.overdue", "drill.failed", "drill.missed", "check.problems", "restore.production");

    /** A claimed delivery is another worker's to take again when its sender has not finished by then. */
    static final long LEASE_MILLIS = 5 * 60_000L;

    /** A scheduled environment is overdue when its newest good backup is older than two periods plus this. */
    static final long OVERDUE_GRACE_MILLIS = 15 * 60_000L;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String WEBHOOK = "webhook";
    private static final String EMAIL = "email";

    private final ServerConfig config;
    private final Catalog catalog;
    private final ObjectMapper json;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String holder;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopping;
    private Thread dispatcher;

    Notifications(ServerConfig config, Catalog catalog, ObjectMapper json) {
        this.config = config;
        this.catalog = catalog;
        this.json = json;
        this.holder = config.serverName() + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private ServerConfig.Notify settings() {
        return config.notifications();
    }

    /**
     * Queues an alert for every channel subscribed to its type and returns at once; the dispatcher sends it.
     * Never throws: a catalog that cannot take it is logged.
     *
     * @param type one of {@link #EVENTS}
     * @param env the environment it concerns, or null
     * @param data the facts of the alert (snake_case keys), sent as {@code data}
     */
    public void notify(String type, Environment env, Map<String, Object> data) {
        try {
            List<String[]> channels = new ArrayList<>();
            for (ServerConfig.Webhook w : settings().webhooks()) {
                if (w.events().contains(type)) channels.add(new String[] {WEBHOOK, w.url()});
            }
            ServerConfig.Email email = settings().email();
            if (email != null && email.events().contains(type)) channels.add(new String[] {EMAIL, "smtp"});
            long now = Platform.now();
            for (String[] ch : channels) {
                String id = UUID.randomUUID().toString();
                catalog.update(
                        "insert into notification_deliveries (id, type, channel, target, payload, status, attempts,"
                                + " next_attempt_at, created_at) values (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                        id,
                        type,
                        ch[0],
                        ch[1],
                        json.writeValueAsString(payload(id, type, env, data, now)),
                        now,
                        now);
            }
            if (!channels.isEmpty()) wake.release();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not queue the {} alert: {}", type, e.getMessage());
        }
    }

    private Map<String, Object> payload(String id, String type, Environment env, Map<String, Object> data, long now) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("type", type);
        p.put("at", Instant.ofEpochMilli(now).toString());
        p.put("server", config.serverName());
        if (env == null) {
            p.put("environment", null);
        } else {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", env.id());
            e.put("name", env.name());
            e.put("type", env.type());
            e.put("project_id", env.projectId());
            p.put("environment", e);
        }
        p.put("data", data == null ? Map.of() : data);
        return p;
    }

    // ---- alert sources -------------------------------------------------------------------------------------

    /** After a scheduled integrity check: alerts when it found missing or corrupt files. */
    void checked(Environment env, Map<String, Object> result) {
        long problems = ((Number) result.getOrDefault("missing", 0L)).longValue()
                + ((Number) result.getOrDefault("corrupt", 0L)).longValue();
        if (problems > 0) notify("check.problems", env, result);
    }

    /** A restore into a production environment: alerts with its status now (when it starts and when it ends). */
    void productionRestore(String restoreId, Environment env) {
        try {
            var r = catalog.row("select * from restores where id = ?", restoreId);
            if (r.isEmpty()) return;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("restore_id", restoreId);
            for (String k : new String[] {
                "status", "backup_id", "mode", "requested_by", "approved_by", "reason", "error_step", "error_message"
            }) {
                d.put(k.equals("error_message") ? "error" : k, Catalog.str(r.get(), k));
            }
            d.put("duration_ms", Catalog.num(r.get(), "duration_ms"));
            notify("restore.production", env, d);
        } catch (RuntimeException e) {
            LOG.warn("could not raise the production restore alert of {}: {}", restoreId, e.getMessage());
        }
    }

    /**
     * Alerts once per lapse for each scheduled environment of this server whose newest good backup (or, with
     * none, its creation) is older than twice its schedule's period plus {@link #OVERDUE_GRACE_MILLIS}; a good
     * backup ends the lapse, and a new one alerts again.
     */
    void backupsOverdue(long now) {
        for (var r : catalog.rows(
                "select s.environment_id, s.backup_cron from schedules s join environments e on e.id ="
                        + " s.environment_id where s.enabled = 1 and e.server_name = ? and e.state = 'ready'",
                config.serverName())) {
            try {
                Environment env = catalog.row(Environment.SELECT + " where e.id = ?", Catalog.str(r, "environment_id"))
                        .map(Environment::of)
                        .orElse(null);
                if (env == null) continue;
                Long newest = Catalog.num(
                        catalog.row(
                                        "select max(completed_at) as t from backups where environment_id = ? and"
                                                + " status = 'completed' and deleted_at is null",
                                        env.id())
                                .orElseThrow(),
                        "t");
                long since = newest == null ? env.createdAt() : newest;
                String cron = Catalog.str(r, "backup_cron");
                var schedule = Schedules.cron(cron, "backup_cron");
                Instant first = schedule.getInitialExecutionTime(Instant.ofEpochMilli(since));
                Instant second = schedule.getInitialExecutionTime(first.plusMillis(1));
                long allowed = 2 * Duration.between(first, second).toMillis() + OVERDUE_GRACE_MILLIS;
                if (now - since <= allowed) continue;
                int fresh = catalog.update(
                        "insert into overdue_alerts (environment_id, since, alerted_at) values (?, ?, ?) on conflict"
                                + " (environment_id) do update set since = excluded.since, alerted_at ="
                                + " excluded.alerted_at where overdue_alerts.since <> excluded.since",
                        env.id(),
                        since,
                        now);
                if (fresh == 0) continue;
                Map<String, Object> d = new LinkedHashMap<>();
                d.put(
                        "last_backup_at",
                        newest == null ? null : Instant.ofEpochMilli(newest).toString());
                d.put("backup_cron", cron);
                d.put("allowed_seconds", allowed / 1000);
                d.put("age_seconds", (now - since) / 1000);
                notify("backup.overdue", env, d);
            } catch (RuntimeException e) {
                LOG.warn("overdue check of environment {}: {}", Catalog.str(r, "environment_id"), e.getMessage());
            }
        }
    }

    // ---- dispatcher ----------------------------------------------------------------------------------------

    /** Starts this worker's dispatcher thread. */
    synchronized void start() {
        if (dispatcher != null) return;
        long pollMillis = Math.max(100, (long) (config.pollSeconds() * 1000));
        dispatcher = new Thread(
                () -> {
                    while (!stopping) {
                        try {
                            dispatchDue();
                        } catch (RuntimeException e) {
                            LOG.warn("notifications: {}", e.getMessage());
                        }
                        try {
                            if (wake.tryAcquire(pollMillis, TimeUnit.MILLISECONDS)) wake.drainPermits();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "lifeboat-notifications");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** Claims and sends the deliveries that are due; returns how many it sent (delivered or not). */
    int dispatchDue() {
        long now = Platform.now();
        int sent = 0;
        for (var r : catalog.rows(
                "select id from notification_deliveries where status = 'pending' and next_attempt_at <= ? and"
                        + " (lease_until is null or lease_until < ?) order by next_attempt_at limit 50",
                now,
                now)) {
            if (stopping) break;
            String id = Catalog.str(r, "id");
            long at = Platform.now();
            int claimed = catalog.update(
                    "update notification_deliveries set lease_until = ?, leased_by = ? where id = ? and status ="
                            + " 'pending' and next_attempt_at <= ? and (lease_until is null or lease_until < ?)",
                    at + LEASE_MILLIS,
                    holder,
                    id,
                    at,
                    at);
            if (claimed == 1) {
                deliver(catalog.row("select * from notification_deliveries where id = ?", id)
                        .orElseThrow());
                sent++;
            }
        }
        return sent;
    }

    private void deliver(Map<String, Object> d) {
        String id = Catalog.str(d, "id");
        String channel = Catalog.str(d, "channel");
        String target = Catalog.str(d, "target");
        String error;
        try {
            if (WEBHOOK.equals(channel)) {
                ServerConfig.Webhook hook = settings().webhooks().stream()
                        .filter(w -> w.url().equals(target))
                        .findFirst()
                        .orElse(null);
                error = hook == null
                        ? "the webhook is no longer configured on " + config.serverName()
                        : post(hook, id, Catalog.str(d, "type"), Catalog.str(d, "payload"));
            } else {
                ServerConfig.Email email = settings().email();
                error = email == null
                        ? "email is no longer configured on " + config.serverName()
                        : mail(email, Catalog.str(d, "payload"));
            }
        } catch (InterruptedException e) {
            // the worker stops: the delivery is due again, this attempt not counted
            catalog.update("update notification_deliveries set lease_until = null, leased_by = null where id = ?", id);
            Thread.currentThread().interrupt();
            return;
        }
        int attempts = ((Number) d.get("attempts")).intValue() + 1;
        long now = Platform.now();
        if (error == null) {
            catalog.update(
                    "update notification_deliveries set status = 'delivered', attempts = ?, delivered_at = ?,"
                            + " lease_until = null, last_error = null where id = ?",
                    attempts,
                    now,
                    id);
            return;
        }
        String where = WEBHOOK.equals(channel) ? io.lifeboat.storage.Redaction.redact(target) : "email";
        if (attempts >= settings().maxAttempts()) {
            catalog.update(
                    "update notification_deliveries set status = 'failed', attempts = ?, lease_until = null,"
                            + " last_error = ? where id = ?",
                    attempts,
                    error,
                    id);
            LOG.warn(
                    "notification {} ({}) to {} failed after {} attempts, giving up: {}",
                    id,
                    Catalog.str(d, "type"),
                    where,
                    attempts,
                    error);
            return;
        }
        long delay = settings().retryBaseSeconds() * 1000L * (1L << Math.min(attempts - 1, 20));
        catalog.update(
                "update notification_deliveries set attempts = ?, next_attempt_at = ?, lease_until = null,"
                        + " last_error = ? where id = ?",
                attempts,
                now + delay,
                error,
                id);
        LOG.info(
                "notification {} to {} failed (attempt {}), retrying in {} s: {}",
                id,
                where,
                attempts,
                delay / 1000,
                error);
    }

    /** The signature a webhook receives: hex HMAC-SHA256 of {@code timestamp + "." + body} with the secret. */
    static String signature(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a payload; null when delivered (2xx), else what went wrong. */
    private String post(ServerConfig.Webhook hook, String id, String type, String body) throws InterruptedException {
        String ts = Long.toString(Instant.now().getEpochSecond());
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(hook.url()))
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "lifeboat-server")
                            .header("X-Lifeboat-Event", type)
                            .header("X-Lifeboat-Delivery", id)
                            .header("X-Lifeboat-Timestamp", ts)
                            .header("X-Lifeboat-Signature", "sha256=" + signature(hook.secret(), ts, body))
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (IOException | IllegalArgumentException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** Sends a payload as a plain-text email; null when the SMTP server took it, else what went wrong. */
    private String mail(ServerConfig.Email email, String payload) {
        try {
            JsonNode p = json.readTree(payload);
            Properties props = new Properties();
            props.put("mail.smtp.host", email.host());
            props.put("mail.smtp.port", Integer.toString(email.port()));
            String timeout = Long.toString(TIMEOUT.toMillis());
            props.put("mail.smtp.connectiontimeout", timeout);
            props.put("mail.smtp.timeout", timeout);
            props.put("mail.smtp.writetimeout", timeout);
            props.put("mail.smtp.auth", Boolean.toString(email.user() != null));
            switch (email.security()) {
                case "ssl" -> {
                    props.put("mail.smtp.ssl.enable", "true");
                    props.put("mail.smtp.ssl.checkserveridentity", "true");
                }
                case "starttls" -> {
                    props.put("mail.smtp.starttls.enable", "true");
                    props.put("mail.smtp.starttls.required", "true");
                    props.put("mail.smtp.ssl.checkserveridentity", "true");
                }
                default -> {}
            }
            MimeMessage m = new MimeMessage(Session.getInstance(props));
            m.setFrom(new InternetAddress(email.from()));
            for (String to : email.to()) m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject(subject(p), "UTF-8");
            m.setText(text(p), "UTF-8");
            m.setHeader("X-Lifeboat-Event", p.path("type").asText());
            m.setHeader("X-Lifeboat-Delivery", p.path("id").asText());
            if (email.user() != null) Transport.send(m, email.user(), email.password());
            else Transport.send(m);
            return null;
        } catch (MessagingException | IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    static String subject(JsonNode p) {
        JsonNode env = p.path("environment");
        String s = "[lifeboat] " + p.path("type").asText()
                + (env.isObject() ? ": " + env.path("name").asText() : "");
        return s.replaceAll("[\\r\\n]+", " ");
    }

    static String text(JsonNode p) {
        StringBuilder b = new StringBuilder();
        b.append(p.path("type").asText())
                .append(" at ")
                .append(p.path("at").asText())
                .append('\n');
        b.append("server: ").append(p.path("server").asText()).append('\n');
        JsonNode env = p.path("environment");
        if (env.isObject()) {
            b.append("environment: ")
                    .append(env.path("name").asText())
                    .append(" (")
                    .append(env.path("type").asText())
                    .append(", id ")
                    .append(env.path("id").asText())
                    .append(", project ")
                    .append(env.path("project_id").asText())
                    .append(")\n");
        }
        p.path("data").properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (!v.isNull())
                b.append(e.getKey())
                        .append(": ")
                        .append(v.isValueNode() ? v.asText() : v.toString())
                        .append('\n');
        });
        b.append("\n-- lifeboat server ")
                .append(p.path("server").asText())
                .append(", delivery ")
                .append(p.path("id").asText())
                .append('\n');
        return b.toString();
    }

    /** Deliveries waiting to be sent or retried. */
    long pending() {
        return catalog.count("select count(*) from notification_deliveries where status = 'pending'");
    }

    /** Deliveries given up on after the last attempt failed. */
    long failed() {
        return catalog.count("select count(*) from notification_deliveries where status = 'failed'");
    }

    /** Stops the dispatcher; a send in progress is cut short and counts as not attempted. */
    @Override
    public synchronized void close() {
        stopping = true;
        wake.release();
        if (dispatcher == null) return;
        try {
            dispatcher.join(5_000);
            if (dispatcher.isAlive()) {
                dispatcher.interrupt();
                dispatcher.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher = null;
    }
}
