package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.lifeboat.LifeboatException;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Alerts reach signed webhooks and email, are retried with backoff, filtered by event and outlive a restart. */
@ExtendWith(PostgresExtension.class)
class NotificationsTest {
    private static final String SECRET = "s3cret-for-the-hook";

    @TempDir
    Path tmp;

    private final List<HttpServer> receivers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopReceivers() {
        receivers.forEach(r -> r.stop(0));
    }

    /** One POST a receiver got, and the status it answered. */
    record Hit(String path, Map<String, String> headers, String body, int status) {
        JsonNode json() throws IOException {
            return ServerHarness.JSON.readTree(body);
        }
    }

    /** A webhook receiver: answers 500 while {@code failures} is above zero, and 410 on /gone. */
    private List<Hit> receiver(int port, AtomicInteger failures) throws IOException {
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            String path = ex.getRequestURI().getPath();
            int status = path.equals("/gone") ? 410 : failures.getAndDecrement() > 0 ? 500 : 200;
            hits.add(new Hit(path, headers, body, status));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        receivers.add(server);
        return hits;
    }

    private static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Checks the signature headers of a delivery against the shared secret. */
    private static void assertSigned(Hit hit) throws Exception {
        String ts = hit.headers().get("X-Lifeboat-Timestamp");
        assertThat(Long.parseLong(ts))
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(300L));
        assertThat(hit.headers().get("X-Lifeboat-Signature"))
                .isEqualTo("sha256=" + hmac(SECRET, ts + "." + hit.body()));
        assertThat(hit.headers().get("X-Lifeboat-Signature"))
                .isNotEqualTo("sha256=" + hmac("another secret", ts + "." + hit.body()));
        assertThat(hit.headers().get("Content-Type")).startsWith("application/json");
        assertThat(hit.headers().get("X-Lifeboat-Delivery"))
                .isEqualTo(hit.json().path("id").asText());
        assertThat(hit.headers().get("X-Lifeboat-Event"))
                .isEqualTo(hit.json().path("type").asText());
    }

    private String webhook(String url, String events) throws IOException {
        Path secret = tmp.resolve("webhook.secret");
        Files.writeString(secret, SECRET + "\n");
        return "    - url: " + url + "\n      secret-file: " + secret + "\n"
                + (events == null ? "" : "      events: [" + events + "]\n");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<Map<String, Object>> deliveries(ServerHarness h) throws Exception {
        return h.sqlite("select * from notification_deliveries order by created_at");
    }

    private static void await(java.util.concurrent.Callable<Boolean> done) {
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(done);
    }

    @Test
    void aFailedBackupIsSignedToTheWebhookAndMailedButNotToAHookOfOtherEvents(TestDatabase db) throws Exception {
        int port = freePort();
        List<Hit> hits = receiver(port, new AtomicInteger());
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        try {
            String yaml = "notifications:\n  webhooks:\n"
                    + webhook("http://127.0.0.1:" + port + "/all", null)
                    + webhook("http://127.0.0.1:" + port + "/drills", "drill.failed")
                    + "  email:\n    host: 127.0.0.1\n    port: "
                    + mail.getSmtp().getPort() + "\n"
                    + "    security: none\n    from: lifeboat@example.com\n    to: [ops@example.com]\n";
            try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster(), yaml)) {
                // an environment whose database does not exist: its backup fails
                ServerHarness.Setup s = h.setup("lbmissing_" + Long.toHexString(System.nanoTime()), "production");
                JsonNode queued = h.ok("POST", "/api/v1/environments/" + s.env() + "/backups", h.adminToken, Map.of());
                String backupId = queued.path("id").asText();
                JsonNode backup = h.await("/api/v1/backups/" + backupId, h.adminToken, ServerHarness::ended);
                assertThat(backup.path("status").asText()).isEqualTo("failed");

                await(() -> hits.stream().anyMatch(x -> x.path().equals("/all")));
                Hit hit = hits.stream()
                        .filter(x -> x.path().equals("/all"))
                        .findFirst()
                        .orElseThrow();
                assertSigned(hit);
                JsonNode p = hit.json();
                assertThat(p.path("type").asText()).isEqualTo("backup.failed");
                assertThat(p.path("server").asText()).isEqualTo("web1");
                assertThat(java.time.Instant.parse(p.path("at").asText())).isNotNull();
                assertThat(p.path("environment").path("id").asText()).isEqualTo(s.env());
                assertThat(p.path("environment").path("name").asText()).isEqualTo("prod");
                assertThat(p.path("environment").path("type").asText()).isEqualTo("production");
                assertThat(p.path("environment").path("project_id").asText()).isEqualTo(s.project());
                assertThat(p.path("data").path("backup_id").asText()).isEqualTo(backupId);
                assertThat(p.path("data").path("error").asText()).isNotEmpty();

                await(() -> mail.getReceivedMessages().length == 1);
                MimeMessage m = mail.getReceivedMessages()[0];
                assertThat(m.getSubject()).isEqualTo("[lifeboat] backup.failed: prod");
                assertThat(m.getFrom()[0].toString()).isEqualTo("lifeboat@example.com");
                assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
                String text = ((String) m.getContent());
                assertThat(text).contains("backup.failed", "server: web1", "environment: prod", backupId);

                // the hook of drill alerts had nothing queued; a drill alert reaches it
                await(() -> deliveries(h).stream().allMatch(d -> "delivered".equals(d.get("status"))));
                assertThat(deliveries(h)).hasSize(2);
                assertThat(hits).noneMatch(x -> x.path().equals("/drills"));
                h.server.notifications().notify("drill.failed", null, Map.of("drill_id", "d1"));
                await(() -> hits.stream().anyMatch(x -> x.path().equals("/drills")));
                Hit drill = hits.stream()
                        .filter(x -> x.path().equals("/drills"))
                        .findFirst()
                        .orElseThrow();
                assertSigned(drill);
                assertThat(drill.json().path("environment").isNull()).isTrue();
                assertThat(drill.json().path("data").path("drill_id").asText()).isEqualTo("d1");
                await(() -> mail.getReceivedMessages().length == 2);
                assertThat(mail.getReceivedMessages()[1].getSubject()).isEqualTo("[lifeboat] drill.failed");
                String metrics = h.call("GET", "/metrics", null, null).text();
                assertThat(metrics).contains("lifeboat_notifications_pending", "lifeboat_notifications_failed");
            }
        } finally {
            mail.stop();
        }
    }

    @Test
    void failedAttemptsAreRetriedWithBackoffUntilTheLastOne(TestDatabase db) throws Exception {
        int port = freePort();
        AtomicInteger failures = new AtomicInteger(2);
        List<Hit> hits = receiver(port, failures);
        String yaml = "notifications:\n  retry-base-seconds: 1\n  max-attempts: 3\n  webhooks:\n"
                + webhook("http://127.0.0.1:" + port + "/hook", null)
                + webhook("http://127.0.0.1:" + port + "/gone", null);
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster(), yaml)) {
            h.server.notifications().notify("drill.missed", null, Map.of("schedule", "weekly"));
            await(() -> deliveries(h).stream().noneMatch(d -> "pending".equals(d.get("status"))));
            List<Hit> hook = hits.stream().filter(x -> x.path().equals("/hook")).toList();
            assertThat(hook).extracting(Hit::status).containsExactly(500, 500, 200);
            assertThat(hook)
                    .extracting(x -> x.headers().get("X-Lifeboat-Delivery"))
                    .containsOnly(hook.get(0).headers().get("X-Lifeboat-Delivery"));
            for (Hit x : hook) assertSigned(x);
            // the backoff: a second after the first failure, two after the second
            long t0 = Long.parseLong(hook.get(0).headers().get("X-Lifeboat-Timestamp"));
            long t2 = Long.parseLong(hook.get(2).headers().get("X-Lifeboat-Timestamp"));
            assertThat(t2 - t0).isGreaterThanOrEqualTo(2);
            Map<String, Map<String, Object>> byTarget = new java.util.HashMap<>();
            deliveries(h).forEach(d -> byTarget.put((String) d.get("target"), d));
            Map<String, Object> ok = byTarget.get("http://127.0.0.1:" + port + "/hook");
            assertThat(ok.get("status")).isEqualTo("delivered");
            assertThat(((Number) ok.get("attempts")).intValue()).isEqualTo(3);
            Map<String, Object> gone = byTarget.get("http://127.0.0.1:" + port + "/gone");
            assertThat(gone.get("status")).isEqualTo("failed");
            assertThat(((Number) gone.get("attempts")).intValue()).isEqualTo(3);
            assertThat(gone.get("last_error")).isEqualTo("HTTP 410");
            assertThat(hits.stream().filter(x -> x.path().equals("/gone"))).hasSize(3);
            String metrics = h.call("GET", "/metrics", null, null).text();
            assertThat(metrics).contains("lifeboat_notifications_failed 1.0", "lifeboat_notifications_pending 0.0");
        }
    }

    @Test
    void aDeliveryQueuedWhileTheReceiverIsDownIsSentAfterARestart(TestDatabase db) throws Exception {
        int port = freePort();
        String yaml = "notifications:\n  retry-base-seconds: 1\n  webhooks:\n"
                + webhook("http://127.0.0.1:" + port + "/hook", null);
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster(), yaml)) {
            h.server.notifications().notify("drill.failed", null, Map.of("drill_id", "d7"));
            // nothing listens: the attempt fails and the delivery waits for the next
            await(() -> deliveries(h).stream()
                    .anyMatch(d -> ((Number) d.get("attempts")).intValue() >= 1 && "pending".equals(d.get("status"))));
        }
        List<Hit> hits = receiver(port, new AtomicInteger());
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster(), yaml)) {
            await(() -> !hits.isEmpty());
            assertSigned(hits.get(0));
            assertThat(hits.get(0).json().path("data").path("drill_id").asText())
                    .isEqualTo("d7");
            await(() -> "delivered".equals(deliveries(h).get(0).get("status")));
            assertThat(deliveries(h)).hasSize(1);
        }
    }

    @Test
    void aScheduledCheckThatFindsAMissingFileAndAProductionRestoreAreAlerted(TestDatabase db) throws Exception {
        int port = freePort();
        List<Hit> hits = receiver(port, new AtomicInteger());
        String yaml = "notifications:\n  webhooks:\n"
                + webhook("http://127.0.0.1:" + port + "/hook", "check.problems, restore.production");
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster(), yaml)) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String admin = h.adminToken;
            String env = "/api/v1/environments/" + s.env();
            // retention keeps every backup of the test: the one restored below stays
            Map<String, Object> keepAll = Map.of("keep_last", 10);
            h.ok(
                    "PUT",
                    env + "/schedule",
                    admin,
                    Map.of("backup_cron", "0 * * * *", "check_cron", "30 * * * *", "retention", keepAll));
            h.makeSchedulesDue();
            h.await(
                    env + "/backups?status=completed",
                    admin,
                    x -> x.path("items").size() == 1);
            String backupId = h.ok("GET", env + "/backups?status=completed", admin, null)
                    .path("items")
                    .get(0)
                    .path("id")
                    .asText();
            await(() -> h.ok("GET", env + "/schedule", admin, null).hasNonNull("last_check_at")
                    && !h.call("GET", "/metrics", null, null).text().isEmpty()
                    && h.call("GET", "/metrics", null, null).text().contains("lifeboat_check_missing_files{"));
            assertThat(hits).as("a clean check alerts nobody").isEmpty();

            h.removeAFilestoreFile(db.name());
            h.makeSchedulesDue();
            await(() -> hits.stream()
                    .anyMatch(x -> x.headers().get("X-Lifeboat-Event").equals("check.problems")));
            Hit check = hits.stream()
                    .filter(x -> x.headers().get("X-Lifeboat-Event").equals("check.problems"))
                    .findFirst()
                    .orElseThrow();
            assertSigned(check);
            assertThat(check.json().path("data").path("missing").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(check.json().path("environment").path("id").asText()).isEqualTo(s.env());
            h.await(env + "/backups", admin, x -> {
                for (JsonNode b : x.path("items")) if (!ServerHarness.ended(b)) return false;
                return true;
            });

            Map<String, Object> overProd =
                    new java.util.HashMap<>(Map.of("backup_id", backupId, "reason", "alert test"));
            overProd.putAll(Map.of("target_environment_id", s.env(), "confirm_environment_name", "prod"));
            JsonNode over = h.ok("POST", "/api/v1/restores", admin, overProd);
            String restoreId = over.path("id").asText();
            JsonNode done = h.await("/api/v1/restores/" + restoreId, admin, ServerHarness::ended);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            await(() -> hits.stream()
                            .filter(x -> x.headers().get("X-Lifeboat-Event").equals("restore.production"))
                            .count()
                    == 2);
            List<JsonNode> restores = new java.util.ArrayList<>();
            for (Hit x : hits) {
                if (x.headers().get("X-Lifeboat-Event").equals("restore.production")) restores.add(x.json());
            }
            assertThat(restores)
                    .extracting(x -> x.path("data").path("status").asText())
                    .containsExactlyInAnyOrder("running", "completed");
            assertThat(restores).allSatisfy(x -> {
                assertThat(x.path("data").path("restore_id").asText()).isEqualTo(restoreId);
                assertThat(x.path("data").path("reason").asText()).isEqualTo("alert test");
                assertThat(x.path("environment").path("type").asText()).isEqualTo("production");
            });
            h.drop(db.name() + "_");
        }
    }

    @Test
    void backupsOverdueAlertOncePerLapse(TestDatabase db) throws Exception {
        int port = freePort();
        List<Hit> hits = receiver(port, new AtomicInteger());
        String yaml = "notifications:\n  webhooks:\n" + webhook("http://127.0.0.1:" + port + "/hook", "backup.overdue");
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster(), yaml)) {
            ServerHarness.Setup s = h.setup("lbmissing_" + Long.toHexString(System.nanoTime()), "staging");
            String env = "/api/v1/environments/" + s.env();
            h.ok("PUT", env + "/schedule", h.adminToken, Map.of("backup_cron", "0 0 1 1 *", "enabled", true));
            assertThat(hits).isEmpty();
            // created long ago, never backed up: overdue
            h.sqlite("UPDATE environments SET created_at = 0");
            await(() -> !hits.isEmpty());
            Hit hit = hits.get(0);
            assertSigned(hit);
            assertThat(hit.json().path("type").asText()).isEqualTo("backup.overdue");
            assertThat(hit.json().path("data").path("last_backup_at").isNull()).isTrue();
            // the next ticks of the same lapse raise nothing more: a direct look after another tick
            h.server.notifications().backupsOverdue(Platform.now());
            await(() -> deliveries(h).stream().allMatch(d -> "delivered".equals(d.get("status"))));
            assertThat(deliveries(h)).hasSize(1);
        }
    }

    @Test
    void notificationAndDrillSettingsAreValidated() throws Exception {
        Path secret = tmp.resolve("hook.secret");
        Files.writeString(secret, "hook-secret-value\n");
        Files.writeString(tmp.resolve("smtp.pw"), "smtp-secret-value\n");
        String base = "server-name: web1\ncatalog: sqlite:c.db\nstore: s\nspool: sp\nsecret-file: k\n";
        Path good = tmp.resolve("good.yaml");
        Files.writeString(good, base + """
                notifications:
                  retry-base-seconds: 5
                  webhooks:
                    - url: https://hooks.example.com/lifeboat
                      secret-file: hook.secret
                      events: [backup.failed, drill.failed]
                  email:
                    host: smtp.example.com
                    user: lifeboat
                    password-file: smtp.pw
                    from: lifeboat@example.com
                    to: [ops@example.com]
                drills:
                  largest-tables: 5
                  probe:
                    command: ["/opt/odoo/odoo-bin", "-d", "{database}", "--http-port", "{port}"]
                    url: "http://127.0.0.1:{port}/web/login"
                """);
        ServerConfig c = ServerConfig.load(good);
        assertThat(c.notifications().retryBaseSeconds()).isEqualTo(5);
        assertThat(c.notifications().maxAttempts()).isEqualTo(8);
        assertThat(c.notifications().webhooks().get(0).secret()).isEqualTo("hook-secret-value");
        assertThat(c.notifications().webhooks().get(0).events())
                .containsExactlyInAnyOrder("backup.failed", "drill.failed");
        assertThat(c.notifications().email().port()).isEqualTo(587);
        assertThat(c.notifications().email().security()).isEqualTo("starttls");
        assertThat(c.notifications().email().password()).isEqualTo("smtp-secret-value");
        assertThat(c.notifications().email().events()).containsExactlyInAnyOrderElementsOf(Notifications.EVENTS);
        assertThat(c.notifications().toString()).doesNotContain("hook-secret-value", "smtp-secret-value");
        assertThat(c.toString()).doesNotContain("hook-secret-value", "smtp-secret-value");
        assertThat(c.drillLargestTables()).isEqualTo(5);
        assertThat(c.drillSampleFiles()).isZero();
        assertThat(c.drillProbe().command()).contains("{database}");
        assertThat(c.drillProbe().url()).isEqualTo("http://127.0.0.1:{port}/web/login");
        assertThat(c.drillProbe().timeoutSeconds()).isEqualTo(120);

        Path plain = tmp.resolve("plain.yaml");
        Files.writeString(plain, base);
        ServerConfig p = ServerConfig.load(plain);
        assertThat(p.notifications().webhooks()).isEmpty();
        assertThat(p.notifications().email()).isNull();
        assertThat(p.drillLargestTables()).isEqualTo(10);
        assertThat(p.drillProbe()).isNull();

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, base + """
                notifications:
                  max-attempts: 0
                  webhooks:
                    - url: ftp://hooks.example.com
                      secret-file: /nonexistent/hook.secret
                    - url: https://ok.example.com/x
                      events: [backup.failed, backup.exploded]
                  email:
                    host: smtp.example.com
                    security: tls
                    password-file: smtp.pw
                drills:
                  sample-files: -1
                  probe:
                    url: ftp://x
                """);
        assertThatThrownBy(() -> ServerConfig.load(bad)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.getMessage())
                    .contains(
                            "notifications.max-attempts must be a whole number from 1 to 100",
                            "notifications.webhooks[0].url must be http(s)://",
                            "notifications.webhooks[0].secret-file: cannot read /nonexistent/hook.secret",
                            "notifications.webhooks[1].secret-file is missing",
                            "notifications.webhooks[1].events: unknown event 'backup.exploded' (valid: backup.failed,"
                                    + " backup.overdue, drill.failed, drill.missed, check.problems, restore.production)",
                            "notifications.email.security must be starttls, ssl or none",
                            "notifications.email.password-file needs a user",
                            "notifications.email.from is missing",
                            "notifications.email.to is missing",
                            "drills.sample-files must be a whole number of 0 or more",
                            "drills.probe.command must be a list",
                            "drills.probe.url must be an http(s) URL")
                    .doesNotContain("smtp-secret-value");
        });
    }
}
