package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One server (SQLite catalog) under about 20 s of load on loopback: 50 API clients, each with its own HTTP
 * connection and no pause between requests, read backups, restores, environments, metrics and health while a
 * few of their requests queue backups that run during the load; 20 subscribers follow the event stream. Then,
 * while the last backups finish, 20 scrapes of /metrics are sent at the same instant, 50 times (several
 * monitors). Every response must be a 2xx; every subscriber must see each queued backup queued, started and
 * completed, in that order, with strictly increasing event ids; every queued backup must complete; no
 * event-stream handler may outlive the server; and the server must log no warning or error from its start to
 * the end of its shutdown (handlers still running after it closed are awaited first). Latency percentiles
 * are printed (to the test's output), not asserted: the machine is shared. {@code bench/server-load.sh} runs
 * the same load for 60 s against the shipped jar.
 */
@ExtendWith(PostgresExtension.class)
class ServerLoadTest {
    static final int CLIENTS = 50;
    static final int SUBSCRIBERS = 20;
    static final Duration LOAD = Duration.ofSeconds(20);
    /** Backups queued by the clients during the load, spread evenly over it. */
    static final int POSTED_BACKUPS = 6;
    /** Environments, each with its own synthetic database; one more is made by the restore before the load. */
    static final int ENVIRONMENTS = 3;
    /**
     * After the load: SCRAPERS scrapes of /metrics sent at the same instant (several Prometheus servers),
     * SCRAPE_ROUNDS times. Concurrent scrapes have failed with a 500 (duplicate gauges, see Metrics).
     */
    static final int SCRAPERS = 20;

    static final int SCRAPE_ROUNDS = 50;

    @TempDir
    Path tmp;

    /** Every finding of the run, reported together at the end. */
    final SoftAssertions soft = new SoftAssertions();

    @Test
    void fiftyClientsAndTwentySubscribersWhileBackupsRun(TestDatabase db) throws Exception {
        // every warning and error the server logs, from its start to the end of its shutdown
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        ThresholdFilter warn = new ThresholdFilter();
        warn.setLevel("WARN");
        warn.start();
        logged.addFilter(warn);
        logged.start();
        root.addAppender(logged);
        List<String> made = new ArrayList<>();
        int handlersAfterClose;
        try {
            try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
                try {
                    run(h, db, made);
                } finally {
                    h.drop(made.toArray(String[]::new));
                }
            }
            // the server has stopped: none of its event-stream handlers should still run; if some do, what they
            // log until they end is part of what is checked below
            handlersAfterClose = streamHandlers();
            System.out.println("event-stream handlers still running after the server closed: " + handlersAfterClose);
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> streamHandlers() == 0);
        } finally {
            root.detachAppender(logged);
        }
        List<String> warnings;
        synchronized (logged) {
            warnings = logged.list.stream()
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null
                                    ? ""
                                    : " (" + e.getThrowableProxy().getClassName() + ": "
                                            + e.getThrowableProxy().getMessage() + ")"))
                    .toList();
        }
        soft.assertThat(handlersAfterClose)
                .as("event-stream handlers still running after the server closed")
                .isZero();
        Map<String, Long> distinct =
                warnings.stream().collect(Collectors.groupingBy(w -> w, LinkedHashMap::new, Collectors.counting()));
        soft.assertThat(warnings.size())
                .as(
                        "warnings and errors the server logged during the load and its shutdown (distinct ones, with"
                                + " their counts): %s",
                        distinct)
                .isZero();
        soft.assertAll();
    }

    /** Threads (virtual ones included) running the server's event-stream handler, from a thread dump. */
    static int streamHandlers() throws IOException {
        Path dump = Files.createTempFile("threads", ".txt");
        try {
            Files.delete(dump);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            int n = 0;
            for (String line : Files.readAllLines(dump)) {
                if (line.contains("io.lifeboat.server.Api.stream(")) n++;
            }
            return n;
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private void run(ServerHarness h, TestDatabase db, List<String> made) throws Exception {
        String admin = h.adminToken;
        List<String> databases = new ArrayList<>(List.of(db.name()));
        for (int i = 1; i < ENVIRONMENTS; i++) {
            String name = "lbload" + i + "_" + Long.toHexString(System.nanoTime());
            db.cluster().createDatabase(name, PostgresExtension.ODOO_ROLE);
            made.add(name);
            databases.add(name);
        }
        for (String d : databases) h.fill(d);
        ServerHarness.Setup s = h.setup(db.name(), "production");
        List<String> envs = new ArrayList<>(List.of(s.env()));
        for (int i = 1; i < databases.size(); i++) {
            envs.add(h.ok(
                            "POST",
                            "/api/v1/projects/" + s.project() + "/environments",
                            admin,
                            Map.of(
                                    "name", "staging-" + i,
                                    "type", "staging",
                                    "server", "web1",
                                    "instance", "main",
                                    "database", databases.get(i)))
                    .path("id")
                    .asText());
        }
        String viewer = h.user("viewer1", "viewer", s.project());
        String member = h.user("member1", "project_member", s.project());

        // before the load: a completed backup of each environment and a restore of one into a new environment
        List<String> backupIds = new CopyOnWriteArrayList<>();
        for (String env : envs) {
            backupIds.add(h.ok("POST", "/api/v1/environments/" + env + "/backups", admin, null)
                    .path("id")
                    .asText());
        }
        for (String id : backupIds) {
            JsonNode b = h.await("/api/v1/backups/" + id, admin, ServerHarness::ended);
            assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("completed");
        }
        String copyDb = "lbloadcopy_" + Long.toHexString(System.nanoTime());
        made.add(copyDb);
        JsonNode restore = h.ok(
                "POST",
                "/api/v1/restores/v2",
                admin,
                Map.of(
                        "backup_id",
                        backupIds.get(1),
                        "target",
                        Map.of("mode", "new", "name", "copy", "type", "development", "database", copyDb)));
        JsonNode restored = h.await("/api/v1/restores/" + restore.path("id").asText(), admin, ServerHarness::ended);
        assertThat(restored.path("status").asText()).as(restored.toString()).isEqualTo("completed");
        String restoreId = restored.path("id").asText();
        envs.add(restored.path("target_environment_id").asText());

        Recorder rec = new Recorder();
        // the subscribers connect first: a stream starts with the events after its connection
        List<Subscriber> subs = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(SUBSCRIBERS);
        for (int i = 0; i < SUBSCRIBERS; i++) {
            Subscriber sub = new Subscriber(h.base, i % 2 == 0 ? admin : viewer, i % 4 == 3, connected);
            sub.thread = Thread.ofVirtual().name("sse-" + i).start(sub::run);
            subs.add(sub);
        }
        assertThat(connected.await(60, TimeUnit.SECONDS))
                .as(
                        "every subscriber connected; errors: %s",
                        subs.stream().map(x -> x.error).toList())
                .isTrue();

        Load load = new Load(h.base, admin, viewer, member, s.project(), envs, backupIds, restoreId, rec);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int n = i;
            clients.add(Thread.ofVirtual().name("client-" + i).start(() -> load.client(n)));
        }
        for (Thread t : clients) t.join();
        long loadNanos = System.nanoTime() - load.start;
        System.out.printf(
                Locale.ROOT,
                "load: %d clients for %.1f s, %d subscribers, %d backups queued during the load%n",
                CLIENTS,
                loadNanos / 1e9,
                SUBSCRIBERS,
                load.posted.size());

        // monitoring while the queued backups finish: scrapes sent at the same instant
        Recorder scrapes = new Recorder();
        long scrapeStart = System.nanoTime();
        CyclicBarrier together = new CyclicBarrier(SCRAPERS);
        List<Thread> scrapers = new ArrayList<>();
        for (int i = 0; i < SCRAPERS; i++) {
            scrapers.add(Thread.ofVirtual().name("scraper-" + i).start(() -> {
                try (HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
                    for (int round = 0; round < SCRAPE_ROUNDS; round++) {
                        together.await(2, TimeUnit.MINUTES);
                        scrapes.call(
                                http, "GET /metrics, " + SCRAPERS + " at once", "GET", h.base + "/metrics", null, null);
                    }
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    scrapes.errors.add("scraper: " + e);
                }
            }));
        }
        for (Thread t : scrapers) t.join();
        long scrapeNanos = System.nanoTime() - scrapeStart;

        // every backup queued during the load ends, completed
        for (String id : load.posted) {
            JsonNode b = h.await("/api/v1/backups/" + id, admin, ServerHarness::ended);
            soft.assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("completed");
        }
        // every subscriber sees them completed (or has failed, which the assertions below report)
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> subs.stream()
                        .allMatch(x -> x.error != null || x.completedIds().containsAll(load.posted)));
        for (Subscriber sub : subs) sub.stop();
        for (Subscriber sub : subs) sub.thread.join();
        System.out.println("event-stream handlers running on the server right after the " + SUBSCRIBERS
                + " subscribers disconnected: " + streamHandlers());

        String report = rec.report(loadNanos) + scrapes.report(scrapeNanos) + Subscriber.report(subs);
        System.out.print(report);

        soft.assertThat(load.posted).as("backups queued during the load").hasSize(POSTED_BACKUPS);
        soft.assertThat(rec.errors.size())
                .as("failed requests (the first 20): %s", rec.firstErrors(20))
                .isZero();
        soft.assertThat(scrapes.errors.size())
                .as("failed scrapes of /metrics, %d at once (the first 20): %s", SCRAPERS, scrapes.firstErrors(20))
                .isZero();
        soft.assertThat(rec.total()).as("requests made").isGreaterThan(CLIENTS);
        for (Subscriber sub : subs) {
            soft.assertThat(sub.error).as("subscriber %d", sub.index()).isNull();
            soft.assertThat(sub.outOfOrder)
                    .as("subscriber %d: ids not increasing", sub.index())
                    .isEmpty();
            for (String id : load.posted) {
                soft.assertThat(sub.typesOf(id))
                        .as("subscriber %d: events of backup %s", sub.index(), id)
                        .containsSubsequence("backup.queued", "backup.started", "backup.completed")
                        .doesNotContain("backup.failed", "backup.cancelled");
            }
        }
    }

    /** The clients' requests and the endpoint each one counts under. */
    static final class Load {
        final String base;
        final String admin;
        final String viewer;
        final String member;
        final String project;
        final List<String> envs;
        final List<String> backupIds;
        final String restoreId;
        final Recorder rec;
        final List<String> posted = new CopyOnWriteArrayList<>();
        final AtomicInteger postSlots = new AtomicInteger();
        final long start = System.nanoTime();
        final long end = start + LOAD.toNanos();

        Load(
                String base,
                String admin,
                String viewer,
                String member,
                String project,
                List<String> envs,
                List<String> backupIds,
                String restoreId,
                Recorder rec) {
            this.base = base;
            this.admin = admin;
            this.viewer = viewer;
            this.member = member;
            this.project = project;
            this.envs = envs;
            this.backupIds = backupIds;
            this.restoreId = restoreId;
            this.rec = rec;
        }

        /** True once for each of the POSTED_BACKUPS slots, the k-th one (k + 0.5) / POSTED_BACKUPS into the load. */
        boolean postDue(long now) {
            int k = postSlots.get();
            if (k >= POSTED_BACKUPS) return false;
            long due = start + (long) ((k + 0.5) * LOAD.toNanos() / POSTED_BACKUPS);
            return now >= due && postSlots.compareAndSet(k, k + 1);
        }

        void client(int n) {
            String token = n % 2 == 0 ? admin : viewer;
            try (HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long now;
                while ((now = System.nanoTime()) < end) {
                    if (postDue(now)) {
                        String env = envs.get(posted.size() % (envs.size() - 1));
                        JsonNode b = rec.call(
                                http,
                                "POST /environments/{id}/backups",
                                "POST",
                                base + "/api/v1/environments/" + env + "/backups",
                                member,
                                "{\"reason\":\"load test\"}");
                        if (b != null && b.hasNonNull("id")) {
                            posted.add(b.get("id").asText());
                            backupIds.add(b.get("id").asText());
                        }
                        continue;
                    }
                    String env = envs.get(r.nextInt(envs.size()));
                    String backup = backupIds.get(r.nextInt(backupIds.size()));
                    int pick = r.nextInt(100);
                    if (pick < 25) {
                        String filter = switch (r.nextInt(4)) {
                            case 0 -> "";
                            case 1 -> "&status=completed";
                            case 2 -> "&type=manual";
                            default -> "&status=completed&type=manual";
                        };
                        int limit = new int[] {5, 10, 20}[r.nextInt(3)];
                        int offset = new int[] {0, 0, 5, 10}[r.nextInt(4)];
                        rec.call(
                                http,
                                "GET /environments/{id}/backups",
                                "GET",
                                base + "/api/v1/environments/" + env + "/backups?limit=" + limit + "&offset=" + offset
                                        + filter,
                                token,
                                null);
                    } else if (pick < 45) {
                        rec.call(http, "GET /backups/{id}", "GET", base + "/api/v1/backups/" + backup, token, null);
                    } else if (pick < 55) {
                        rec.call(
                                http, "GET /restores/{id}", "GET", base + "/api/v1/restores/" + restoreId, token, null);
                    } else if (pick < 60) {
                        rec.call(
                                http,
                                "GET /restores",
                                "GET",
                                base + "/api/v1/restores?limit=10"
                                        + (r.nextBoolean() ? "" : "&environment_id=" + envs.getLast()),
                                token,
                                null);
                    } else if (pick < 72) {
                        rec.call(
                                http,
                                "GET /environments",
                                "GET",
                                base + "/api/v1/environments" + (r.nextBoolean() ? "" : "?project_id=" + project),
                                token,
                                null);
                    } else if (pick < 82) {
                        rec.call(
                                http,
                                "GET /backups/{id}/compatible-environments",
                                "GET",
                                base + "/api/v1/backups/" + backup + "/compatible-environments",
                                token,
                                null);
                    } else if (pick < 88) {
                        rec.call(http, "GET /metrics", "GET", base + "/metrics", null, null);
                    } else {
                        rec.call(http, "GET /health", "GET", base + "/health", null, null);
                    }
                }
            }
        }
    }

    /** Latencies per endpoint and every failed request. */
    static final class Recorder {
        final Map<String, ConcurrentLinkedQueue<Long>> nanos = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> errorsBy = new ConcurrentHashMap<>();

        /** One request; its JSON body when it answered 2xx with one, else null (the failure is recorded). */
        JsonNode call(HttpClient http, String endpoint, String method, String url, String token, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                long t = System.nanoTime() - t0;
                nanos.computeIfAbsent(endpoint, k -> new ConcurrentLinkedQueue<>())
                        .add(t);
                if (r.statusCode() / 100 != 2) {
                    fail(endpoint, method + " " + url + " -> " + r.statusCode() + " " + abbreviate(r.body()));
                    return null;
                }
                String type = r.headers().firstValue("Content-Type").orElse("");
                return type.contains("json") ? ServerHarness.JSON.readTree(r.body()) : null;
            } catch (IOException e) {
                nanos.computeIfAbsent(endpoint, k -> new ConcurrentLinkedQueue<>())
                        .add(System.nanoTime() - t0);
                fail(endpoint, method + " " + url + " -> " + e);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(endpoint, method + " " + url + " -> interrupted");
                return null;
            }
        }

        private void fail(String endpoint, String what) {
            errors.add(what);
            errorsBy.computeIfAbsent(endpoint, k -> new AtomicInteger()).incrementAndGet();
        }

        long total() {
            return nanos.values().stream()
                    .mapToLong(ConcurrentLinkedQueue::size)
                    .sum();
        }

        List<String> firstErrors(int n) {
            return errors.stream().limit(n).toList();
        }

        String report(long loadNanos) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-42s %8s %6s %8s %8s %8s %8s %8s%n",
                    "endpoint",
                    "requests",
                    "errors",
                    "req/s",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "max ms"));
            List<Long> all = new ArrayList<>();
            for (String e : nanos.keySet().stream().sorted().toList()) {
                List<Long> v = new ArrayList<>(nanos.get(e));
                all.addAll(v);
                line(sb, e, v, errorsBy.getOrDefault(e, new AtomicInteger()).get(), loadNanos);
            }
            line(sb, "all", all, errors.size(), loadNanos);
            return sb.toString();
        }

        private static void line(StringBuilder sb, String name, List<Long> v, int errors, long loadNanos) {
            long[] a = v.stream().mapToLong(Long::longValue).sorted().toArray();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-42s %8d %6d %8.1f %8.1f %8.1f %8.1f %8.1f%n",
                    name,
                    a.length,
                    errors,
                    a.length / (loadNanos / 1e9),
                    pct(a, 50),
                    pct(a, 95),
                    pct(a, 99),
                    a.length == 0 ? 0 : a[a.length - 1] / 1e6));
        }

        /** Nearest-rank percentile, in milliseconds. */
        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) return 0;
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }

        private static String abbreviate(String s) {
            return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
        }
    }

    /** One client of the event stream: parses id:, event: and data: lines into events. */
    static final class Subscriber {
        record Event(long id, String type, String backupId, long atNanos) {}

        final String base;
        final String token;
        final boolean tokenInQuery;
        final CountDownLatch connected;
        final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        final List<Event> events = new CopyOnWriteArrayList<>();
        final List<String> outOfOrder = new CopyOnWriteArrayList<>();
        volatile String error;
        volatile boolean stopping;
        Thread thread;
        private static final AtomicInteger COUNT = new AtomicInteger();
        private final int index = COUNT.getAndIncrement();

        Subscriber(String base, String token, boolean tokenInQuery, CountDownLatch connected) {
            this.base = base;
            this.token = token;
            this.tokenInQuery = tokenInQuery;
            this.connected = connected;
        }

        int index() {
            return index;
        }

        void run() {
            boolean counted = false;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
                                base + "/api/v1/events/stream" + (tokenInQuery ? "?access_token=" + token : "")))
                        .header("Accept", "text/event-stream");
                if (!tokenInQuery) b.header("Authorization", "Bearer " + token);
                HttpResponse<InputStream> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200
                        || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                    error = "status " + r.statusCode() + ", " + r.headers().map();
                    return;
                }
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String id = null;
                    String type = null;
                    StringBuilder data = new StringBuilder();
                    long last = 0;
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith(":")) {
                            if (!counted) {
                                counted = true;
                                connected.countDown();
                            }
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).strip();
                        } else if (line.startsWith("event:")) {
                            type = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                            if (!data.isEmpty()) data.append('\n');
                            data.append(line.substring(5).strip());
                        } else if (line.isEmpty() && (id != null || type != null || !data.isEmpty())) {
                            if ("error".equals(type)) {
                                error = "error event: " + data;
                                return;
                            }
                            long n = Long.parseLong(id);
                            if (n <= last) outOfOrder.add(last + " then " + n);
                            last = n;
                            JsonNode d = ServerHarness.JSON.readTree(data.toString());
                            if (d.path("id").asLong() != n
                                    || !d.path("type").asText().equals(type)) {
                                error = "event " + n + " " + type + " has data " + data;
                                return;
                            }
                            events.add(new Event(
                                    n, type, d.path("data").path("backup_id").asText(null), System.nanoTime()));
                            id = null;
                            type = null;
                            data.setLength(0);
                        }
                    }
                    if (!stopping) error = "the stream ended";
                }
            } catch (IOException | RuntimeException e) {
                if (!stopping) error = e.toString();
            } catch (InterruptedException e) {
                if (!stopping) error = e.toString();
            } finally {
                if (!counted) connected.countDown();
                http.shutdownNow();
            }
        }

        void stop() {
            stopping = true;
            http.shutdownNow();
        }

        Set<String> completedIds() {
            Set<String> out = new HashSet<>();
            for (Event e : events) if (e.type().equals("backup.completed")) out.add(e.backupId());
            return out;
        }

        List<String> typesOf(String backupId) {
            return events.stream()
                    .filter(e -> backupId.equals(e.backupId()))
                    .map(Event::type)
                    .toList();
        }

        /** The longest time between two events this subscriber received, in milliseconds. */
        double maxGapMillis() {
            long max = 0;
            for (int i = 1; i < events.size(); i++) {
                max = Math.max(max, events.get(i).atNanos() - events.get(i - 1).atNanos());
            }
            return max / 1e6;
        }

        static String report(List<Subscriber> subs) {
            StringBuilder sb = new StringBuilder();
            Map<String, Integer> byType = new LinkedHashMap<>();
            for (Subscriber s : subs) {
                for (Event e : s.events) byType.merge(e.type(), 1, Integer::sum);
            }
            long[] counts =
                    subs.stream().mapToLong(s -> s.events.size()).sorted().toArray();
            double[] gaps =
                    subs.stream().mapToDouble(Subscriber::maxGapMillis).sorted().toArray();
            sb.append(String.format(
                    Locale.ROOT,
                    "sse: %d subscribers, %d events received (%s); per subscriber min %d, max %d; max gap between"
                            + " events per subscriber: min %.0f ms, median %.0f ms, max %.0f ms%n",
                    subs.size(),
                    Arrays.stream(counts).sum(),
                    byType,
                    counts.length == 0 ? 0 : counts[0],
                    counts.length == 0 ? 0 : counts[counts.length - 1],
                    gaps.length == 0 ? 0 : gaps[0],
                    gaps.length == 0 ? 0 : gaps[gaps.length / 2],
                    gaps.length == 0 ? 0 : gaps[gaps.length - 1]));
            return sb.toString();
        }
    }
}
