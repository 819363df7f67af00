import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load driver for a running {@code lifeboat server}: API clients and event-stream subscribers for a fixed
 * time while backups run. JDK only; run with the source launcher:
 *
 * <pre>
 * java bench/ServerLoad.java --url http://127.0.0.1:8480 --token-file admin.token --databases a,b,c
 *     [--server web1] [--instance main] [--seconds 60] [--clients 50] [--subscribers 20] [--backups N]
 *     [--restore-database lbload_copy] [--think-ms 0] [--scrapers 20] [--scrape-rounds 50] [--markdown FILE]
 * </pre>
 *
 * <p>The databases must exist on the server's instance (synthetic Odoo instances). The driver makes an
 * organization, a project and one environment per database (the first one production), a viewer and a
 * project member, one completed backup of each environment and a restore of the first into a new
 * environment. Then the subscribers connect, and for the given time each client sends requests one after
 * the other (with an optional pause): list backups with filters and paging, get a backup, get and list
 * restores, list environments, compatible environments, metrics, health. {@code --backups} of those requests
 * (default one per 5 s) queue a backup, spread evenly over the time. After the load, while the last backups
 * finish, {@code --scrapers} scrapes of /metrics are sent at the same instant, {@code --scrape-rounds} times
 * (several monitors; 0 leaves this out). Then it waits until every
 * subscriber has seen every queued backup end, and prints per endpoint the requests, errors, throughput and
 * p50/p95/p99/max latency, and per subscriber the events received, the longest gap between two events and
 * the longest delay behind the fastest subscriber. Exit status 0 when there was no error, every queued
 * backup completed and every subscriber saw each one queued, started and completed with increasing ids.
 */
public final class ServerLoad {
    private ServerLoad() {}

    // ------------------------------------------------------------------ options

    static String url;
    static String server = "web1";
    static String instance = "main";
    static List<String> databases;
    static String restoreDatabase = "lbload_copy";
    static int seconds = 60;
    static int clients = 50;
    static int subscribers = 20;
    static int backups = -1;
    static long thinkMillis;
    static int scrapers = 20;
    static int scrapeRounds = 50;
    static Path markdown;
    static String admin;

    public static void main(String[] args) throws Exception {
        Path tokenFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--url" -> url = v.replaceAll("/+$", "");
                case "--token-file" -> tokenFile = Path.of(v);
                case "--server" -> server = v;
                case "--instance" -> instance = v;
                case "--databases" -> databases = List.of(v.split(","));
                case "--restore-database" -> restoreDatabase = v;
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--clients" -> clients = Integer.parseInt(v);
                case "--subscribers" -> subscribers = Integer.parseInt(v);
                case "--backups" -> backups = Integer.parseInt(v);
                case "--think-ms" -> thinkMillis = Long.parseLong(v);
                case "--scrapers" -> scrapers = Integer.parseInt(v);
                case "--scrape-rounds" -> scrapeRounds = Integer.parseInt(v);
                case "--markdown" -> markdown = Path.of(v);
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("ServerLoad: unknown option " + a);
                    usage();
                    System.exit(2);
                }
            }
            i++;
        }
        if (url == null || tokenFile == null || databases == null || databases.isEmpty()) {
            usage();
            System.exit(2);
        }
        if (backups < 0) backups = Math.max(1, seconds / 5);
        admin = Files.readString(tokenFile).strip();
        System.exit(run() ? 0 : 1);
    }

    static void usage() {
        System.err.println("usage: java bench/ServerLoad.java --url URL --token-file FILE --databases A,B,C"
                + " [--server web1] [--instance main] [--seconds 60] [--clients 50] [--subscribers 20]"
                + " [--backups N] [--restore-database NAME] [--think-ms 0] [--scrapers 20] [--scrape-rounds 50]"
                + " [--markdown FILE]");
    }

    static void log(String m) {
        System.err.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), m);
    }

    // ------------------------------------------------------------------ the run

    static boolean run() throws Exception {
        HttpClient setupHttp = client();
        Api api = new Api(setupHttp);
        // a subscriber that follows the whole run, to wait for jobs without polling
        Subscriber watcher = new Subscriber(-1, admin, false, new CountDownLatch(1));
        watcher.start();
        if (!watcher.connected.await(60, TimeUnit.SECONDS) || watcher.error != null) {
            throw new IllegalStateException("the event stream did not open: " + watcher.error);
        }

        log("setting up: " + databases.size() + " environments on " + server + "/" + instance);
        String suffix = Long.toHexString(System.nanoTime());
        String org = api.create("/api/v1/organizations", "{\"name\":" + q("load-" + suffix) + "}");
        String project = api.create("/api/v1/organizations/" + org + "/projects", "{\"name\":\"shop\"}");
        List<String> envs = new ArrayList<>();
        for (int i = 0; i < databases.size(); i++) {
            envs.add(api.create(
                    "/api/v1/projects/" + project + "/environments",
                    "{\"name\":" + q(i == 0 ? "prod" : "staging-" + i) + ",\"type\":"
                            + q(i == 0 ? "production" : "staging") + ",\"server\":" + q(server) + ",\"instance\":"
                            + q(instance) + ",\"database\":" + q(databases.get(i)) + "}"));
        }
        String viewer = api.user("viewer-" + suffix, "viewer", project);
        String member = api.user("member-" + suffix, "project_member", project);

        List<String> backupIds = new CopyOnWriteArrayList<>();
        for (String env : envs) backupIds.add(api.create("/api/v1/environments/" + env + "/backups", ""));
        log("first backup of each environment: " + backupIds.size() + " queued");
        if (!watcher.awaitEnded("backup", backupIds, Duration.ofMinutes(10))) {
            throw new IllegalStateException("the first backups did not end: " + watcher.error);
        }
        for (String id : backupIds) {
            String st = str(api.get("/api/v1/backups/" + id), "status");
            if (!"completed".equals(st)) throw new IllegalStateException("backup " + id + " is " + st);
        }
        String restoreId = api.create(
                "/api/v1/restores/v2",
                "{\"backup_id\":" + q(backupIds.get(0)) + ",\"target\":{\"mode\":\"new\",\"name\":\"copy\","
                        + "\"type\":\"development\",\"database\":" + q(restoreDatabase) + "}}");
        log("restore of " + backupIds.get(0) + " into a new environment: " + restoreId);
        if (!watcher.awaitEnded("restore", List.of(restoreId), Duration.ofMinutes(10))) {
            throw new IllegalStateException("the restore did not end: " + watcher.error);
        }
        Map<String, Object> restore = api.get("/api/v1/restores/" + restoreId);
        if (!"completed".equals(str(restore, "status"))) {
            throw new IllegalStateException("restore " + restoreId + " is " + str(restore, "status") + ": "
                    + str(restore, "error_message"));
        }
        List<String> allEnvs = new ArrayList<>(envs);
        allEnvs.add(str(restore, "target_environment_id"));

        Recorder rec = new Recorder();
        List<Subscriber> subs = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(subscribers);
        for (int i = 0; i < subscribers; i++) {
            Subscriber s = new Subscriber(i, i % 2 == 0 ? admin : viewer, i % 4 == 3, connected);
            s.start();
            subs.add(s);
        }
        if (!connected.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("subscribers did not connect");
        String loadStart = Instant.now().toString();
        log("load: " + clients + " clients, " + subscribers + " subscribers, " + seconds + " s, " + backups
                + " backups queued during it");
        Load load = new Load(allEnvs, envs, project, backupIds, restoreId, viewer, member, rec);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().name("client-" + i).start(() -> load.client(n)));
        }
        for (Thread t : threads) t.join();
        long loadNanos = System.nanoTime() - load.start;
        log("load over after " + String.format(Locale.ROOT, "%.1f", loadNanos / 1e9) + " s; " + rec.total()
                + " requests, " + rec.errors.size() + " errors; waiting for the queued backups");

        // monitoring while the last backups finish: scrapes sent at the same instant
        Recorder scrapes = new Recorder();
        long scrapeStart = System.nanoTime();
        if (scrapers > 0 && scrapeRounds > 0) {
            log(scrapeRounds + " rounds of " + scrapers + " simultaneous scrapes of /metrics");
            CyclicBarrier together = new CyclicBarrier(scrapers);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < scrapers; i++) {
                ts.add(Thread.ofVirtual().name("scraper-" + i).start(() -> {
                    try (HttpClient http = client()) {
                        for (int round = 0; round < scrapeRounds; round++) {
                            together.await(2, TimeUnit.MINUTES);
                            scrapes.call(http, "GET /metrics, " + scrapers + " at once", "GET", "/metrics", null, null);
                        }
                    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                        scrapes.fail("GET /metrics, " + scrapers + " at once", "scraper: " + e);
                    }
                }));
            }
            for (Thread t : ts) t.join();
        }
        long scrapeNanos = System.nanoTime() - scrapeStart;

        // every backup queued during the load ends, and every subscriber sees it end
        boolean ended = watcher.awaitEnded("backup", load.posted, Duration.ofMinutes(15));
        for (Subscriber s : subs) s.awaitEnded("backup", load.posted, Duration.ofMinutes(2));
        for (Subscriber s : subs) s.stop();
        watcher.stop();
        for (Subscriber s : subs) s.thread.join();

        List<Map<String, Object>> posted = new ArrayList<>();
        for (String id : load.posted) posted.add(api.get("/api/v1/backups/" + id));
        setupHttp.close();

        // ------------------------------------------------------------------ report
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "%d API clients (%s) and %d event-stream subscribers for %.1f s from %s; %d environments"
                        + " (%d databases and the restored copy), %d backups queued during the load.%n%n",
                clients,
                thinkMillis == 0 ? "no pause between requests" : "a pause of " + thinkMillis + " ms after each request",
                subscribers,
                loadNanos / 1e9,
                loadStart,
                allEnvs.size(),
                envs.size(),
                load.posted.size()));
        md.append(rec.table(loadNanos));
        md.append('\n');
        if (scrapes.total() > 0) {
            md.append(String.format(
                    Locale.ROOT,
                    "Then, while the last backups finished, %d scrapes of `/metrics` sent at the same instant, %d"
                            + " times (%.1f s):%n%n",
                    scrapers,
                    scrapeRounds,
                    scrapeNanos / 1e9));
            md.append(scrapes.table(scrapeNanos));
            md.append('\n');
        }
        int completed = 0;
        List<Double> durations = new ArrayList<>();
        List<Double> waits = new ArrayList<>();
        for (Map<String, Object> b : posted) {
            if ("completed".equals(str(b, "status"))) completed++;
            Instant c = time(b, "created_at");
            Instant s = time(b, "started_at");
            Instant e = time(b, "completed_at");
            if (s != null && e != null) durations.add(Duration.between(s, e).toMillis() / 1000.0);
            if (c != null && s != null) waits.add(Duration.between(c, s).toMillis() / 1000.0);
        }
        md.append(String.format(
                Locale.ROOT,
                "Backups queued during the load: %d, completed: %d; from start to completion median %.1f s, max %.1f"
                        + " s; waiting in the queue median %.1f s, max %.1f s.%n%n",
                load.posted.size(),
                completed,
                median(durations),
                max(durations),
                median(waits),
                max(waits)));
        md.append(Subscriber.table(subs, load.posted));
        boolean ok = rec.errors.isEmpty()
                && scrapes.errors.isEmpty()
                && ended
                && completed == load.posted.size()
                && load.posted.size() == backups;
        for (Subscriber s : subs) ok &= s.ok(load.posted);
        if (!rec.errors.isEmpty() || !scrapes.errors.isEmpty()) {
            md.append("\nFirst errors (at most three of the load and three of the scrapes):\n\n```\n");
            rec.errors.stream().limit(3).forEach(e -> md.append(e).append('\n'));
            scrapes.errors.stream().limit(3).forEach(e -> md.append(e).append('\n'));
            md.append("```\n");
        }
        for (Subscriber s : subs) {
            if (!s.ok(load.posted)) md.append("\nsubscriber ").append(s.index).append(": ").append(s.problem(load.posted));
        }
        md.append(ok ? "\nresult: ok\n" : "\nresult: FAILED\n");
        System.out.print(md);
        if (markdown != null) Files.writeString(markdown, md.toString());
        return ok;
    }

    static Instant time(Map<String, Object> m, String k) {
        String v = str(m, k);
        return v == null ? null : Instant.parse(v);
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) return 0;
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[(a.length - 1) / 2];
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    // ------------------------------------------------------------------ setup calls

    /** Setup requests; any failure ends the run. */
    record Api(HttpClient http) {
        Map<String, Object> send(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + admin);
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(r.body());
            return m;
        }

        Map<String, Object> get(String path) throws IOException, InterruptedException {
            return send("GET", path, null);
        }

        String create(String path, String body) throws IOException, InterruptedException {
            return str(send("POST", path, body), "id");
        }

        String user(String name, String role, String scope) throws IOException, InterruptedException {
            String id = create(
                    "/api/v1/users",
                    "{\"name\":" + q(name) + ",\"roles\":[{\"role\":" + q(role) + ",\"scope_id\":" + q(scope) + "}]}");
            return str(send("POST", "/api/v1/users/" + id + "/tokens", "{\"name\":\"load\"}"), "token");
        }
    }

    static String str(Object map, String key) {
        Object v = map instanceof Map<?, ?> m ? m.get(key) : null;
        return v == null ? null : v.toString();
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    // ------------------------------------------------------------------ the clients

    static final class Load {
        final List<String> envs;
        final List<String> postEnvs;
        final String project;
        final List<String> backupIds;
        final String restoreId;
        final String viewer;
        final String member;
        final Recorder rec;
        final List<String> posted = new CopyOnWriteArrayList<>();
        final AtomicInteger postSlots = new AtomicInteger();
        final long start = System.nanoTime();
        final long end = start + seconds * 1_000_000_000L;

        Load(
                List<String> envs,
                List<String> postEnvs,
                String project,
                List<String> backupIds,
                String restoreId,
                String viewer,
                String member,
                Recorder rec) {
            this.envs = envs;
            this.postEnvs = postEnvs;
            this.project = project;
            this.backupIds = backupIds;
            this.restoreId = restoreId;
            this.viewer = viewer;
            this.member = member;
            this.rec = rec;
        }

        /** True once for each backup slot, the k-th one (k + 0.5) / backups into the load. */
        boolean postDue(long now) {
            int k = postSlots.get();
            if (k >= backups) return false;
            long due = start + (long) ((k + 0.5) * (end - start) / backups);
            return now >= due && postSlots.compareAndSet(k, k + 1);
        }

        void client(int n) {
            String token = n % 2 == 0 ? admin : viewer;
            ThreadLocalRandom r = ThreadLocalRandom.current();
            try (HttpClient http = ServerLoad.client()) {
                long now;
                while ((now = System.nanoTime()) < end) {
                    if (postDue(now)) {
                        String env = postEnvs.get(postSlots.get() % postEnvs.size());
                        Object b = rec.call(
                                http,
                                "POST /environments/{id}/backups",
                                "POST",
                                "/api/v1/environments/" + env + "/backups",
                                member,
                                "{\"reason\":\"load\"}");
                        String id = str(b, "id");
                        if (id != null) {
                            posted.add(id);
                            backupIds.add(id);
                        }
                    } else {
                        request(http, r, token);
                    }
                    if (thinkMillis > 0) LockSupport.parkNanos(thinkMillis * 1_000_000L);
                }
            }
        }

        void request(HttpClient http, ThreadLocalRandom r, String token) {
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
                        "/api/v1/environments/" + env + "/backups?limit=" + limit + "&offset=" + offset + filter,
                        token,
                        null);
            } else if (pick < 45) {
                rec.call(http, "GET /backups/{id}", "GET", "/api/v1/backups/" + backup, token, null);
            } else if (pick < 55) {
                rec.call(http, "GET /restores/{id}", "GET", "/api/v1/restores/" + restoreId, token, null);
            } else if (pick < 60) {
                rec.call(
                        http,
                        "GET /restores",
                        "GET",
                        "/api/v1/restores?limit=10" + (r.nextBoolean() ? "" : "&environment_id=" + envs.getLast()),
                        token,
                        null);
            } else if (pick < 72) {
                rec.call(
                        http,
                        "GET /environments",
                        "GET",
                        "/api/v1/environments" + (r.nextBoolean() ? "" : "?project_id=" + project),
                        token,
                        null);
            } else if (pick < 82) {
                rec.call(
                        http,
                        "GET /backups/{id}/compatible-environments",
                        "GET",
                        "/api/v1/backups/" + backup + "/compatible-environments",
                        token,
                        null);
            } else if (pick < 88) {
                rec.call(http, "GET /metrics", "GET", "/metrics", null, null);
            } else {
                rec.call(http, "GET /health", "GET", "/health", null, null);
            }
        }
    }

    /** Latencies per endpoint and every failed request. */
    static final class Recorder {
        final Map<String, ConcurrentLinkedQueue<Long>> nanos = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> errorsBy = new ConcurrentHashMap<>();

        /** One request; its parsed JSON body when it answered 2xx with JSON, else null. */
        Object call(HttpClient http, String endpoint, String method, String path, String token, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                record(endpoint, System.nanoTime() - t0);
                if (r.statusCode() / 100 != 2) {
                    fail(endpoint, method + " " + path + " -> " + r.statusCode() + " " + abbreviate(r.body()));
                    return null;
                }
                return r.headers().firstValue("Content-Type").orElse("").contains("json") ? Json.parse(r.body()) : null;
            } catch (IOException | RuntimeException e) {
                record(endpoint, System.nanoTime() - t0);
                fail(endpoint, method + " " + path + " -> " + e);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(endpoint, method + " " + path + " -> interrupted");
                return null;
            }
        }

        void record(String endpoint, long t) {
            nanos.computeIfAbsent(endpoint, k -> new ConcurrentLinkedQueue<>()).add(t);
        }

        void fail(String endpoint, String what) {
            errors.add(Instant.now() + " " + what);
            errorsBy.computeIfAbsent(endpoint, k -> new AtomicInteger()).incrementAndGet();
        }

        long total() {
            return nanos.values().stream().mapToLong(ConcurrentLinkedQueue::size).sum();
        }

        String table(long loadNanos) {
            StringBuilder sb = new StringBuilder();
            sb.append("| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            List<Long> all = new ArrayList<>();
            for (String e : nanos.keySet().stream().sorted().toList()) {
                List<Long> v = new ArrayList<>(nanos.get(e));
                all.addAll(v);
                row(sb, "`" + e + "`", v, errorsBy.getOrDefault(e, new AtomicInteger()).get(), loadNanos);
            }
            row(sb, "**all**", all, errors.size(), loadNanos);
            return sb.toString();
        }

        static void row(StringBuilder sb, String name, List<Long> v, int errors, long loadNanos) {
            long[] a = v.stream().mapToLong(Long::longValue).sorted().toArray();
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %d | %,.1f | %.1f | %.1f | %.1f | %.1f |%n",
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

        static String abbreviate(String s) {
            return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
        }
    }

    // ------------------------------------------------------------------ the event stream

    /** One client of /api/v1/events/stream: parses id:, event: and data: lines into events. */
    static final class Subscriber {
        record Event(long id, String type, String subject, long atNanos) {}

        final int index;
        final String token;
        final boolean tokenInQuery;
        final CountDownLatch connected;
        final HttpClient http = client();
        final List<Event> events = new ArrayList<>();
        final List<String> outOfOrder = new ArrayList<>();
        volatile String error;
        volatile boolean stopping;
        volatile boolean done;
        Thread thread;

        Subscriber(int index, String token, boolean tokenInQuery, CountDownLatch connected) {
            this.index = index;
            this.token = token;
            this.tokenInQuery = tokenInQuery;
            this.connected = connected;
        }

        void start() {
            thread = Thread.ofVirtual().name("sse-" + index).start(this::run);
        }

        void run() {
            boolean counted = false;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
                                url + "/api/v1/events/stream" + (tokenInQuery ? "?access_token=" + token : "")))
                        .header("Accept", "text/event-stream");
                if (!tokenInQuery) b.header("Authorization", "Bearer " + token);
                HttpResponse<InputStream> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                String type0 = r.headers().firstValue("Content-Type").orElse("");
                if (r.statusCode() != 200 || !type0.startsWith("text/event-stream")) {
                    error = "status " + r.statusCode() + ", content type " + type0;
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
                            Object d = Json.parse(data.toString());
                            Object inner = d instanceof Map<?, ?> m ? m.get("data") : null;
                            String subject = str(inner, "backup_id");
                            if (subject == null) subject = str(inner, "restore_id");
                            synchronized (this) {
                                if (n <= last) outOfOrder.add(last + " then " + n);
                                last = n;
                                if (!String.valueOf(n).equals(str(d, "id")) || !type.equals(str(d, "type"))) {
                                    error = "event " + n + " " + type + " has data " + data;
                                    return;
                                }
                                events.add(new Event(n, type, subject, System.nanoTime()));
                                notifyAll();
                            }
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
                synchronized (this) {
                    done = true;
                    notifyAll();
                }
                http.shutdownNow();
            }
        }

        void stop() {
            stopping = true;
            http.shutdownNow();
        }

        private boolean ended(String kind, Collection<String> ids) {
            Set<String> seen = new java.util.HashSet<>();
            for (Event e : events) {
                if (e.type().equals(kind + ".completed")
                        || e.type().equals(kind + ".failed")
                        || e.type().equals(kind + ".cancelled")) seen.add(e.subject());
            }
            return seen.containsAll(ids);
        }

        /** Waits until this subscriber has seen each of the backups or restores end; false after the timeout. */
        synchronized boolean awaitEnded(String kind, Collection<String> ids, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ended(kind, ids)) {
                long left = deadline - System.nanoTime();
                if (done || left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized List<String> typesOf(String subject) {
            return events.stream()
                    .filter(e -> subject.equals(e.subject()))
                    .map(Event::type)
                    .toList();
        }

        /** Whether the types hold queued, started and completed in that order, and no failure. */
        static boolean lifecycle(List<String> types) {
            int q = types.indexOf("backup.queued");
            int s = types.indexOf("backup.started");
            int c = types.indexOf("backup.completed");
            return q >= 0 && s > q && c > s && !types.contains("backup.failed") && !types.contains("backup.cancelled");
        }

        synchronized boolean ok(List<String> posted) {
            return problem(posted) == null;
        }

        synchronized String problem(List<String> posted) {
            if (error != null) return error;
            if (!outOfOrder.isEmpty()) return "ids not increasing: " + outOfOrder;
            for (String id : posted) {
                if (!lifecycle(typesOf(id))) return "backup " + id + ": events " + typesOf(id);
            }
            return null;
        }

        synchronized double maxGapMillis() {
            long max = 0;
            for (int i = 1; i < events.size(); i++) {
                max = Math.max(max, events.get(i).atNanos() - events.get(i - 1).atNanos());
            }
            return max / 1e6;
        }

        static String table(List<Subscriber> subs, List<String> posted) {
            // the earliest arrival of each event among the subscribers that may see it (all see everything here)
            Map<Long, Long> first = new HashMap<>();
            for (Subscriber s : subs) {
                synchronized (s) {
                    for (Event e : s.events) first.merge(e.id(), e.atNanos(), Math::min);
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append("| subscriber | token | events | queued backups seen completed | ids increasing | max gap between"
                    + " events ms | max delay behind the fastest subscriber ms |\n");
            sb.append("|---:|---|---:|---:|---|---:|---:|\n");
            Map<String, Integer> byType = new LinkedHashMap<>();
            long total = 0;
            for (Subscriber s : subs) {
                synchronized (s) {
                    long lag = 0;
                    for (Event e : s.events) {
                        lag = Math.max(lag, e.atNanos() - first.get(e.id()));
                        byType.merge(e.type(), 1, Integer::sum);
                    }
                    total += s.events.size();
                    long seen = posted.stream()
                            .filter(id -> s.typesOf(id).contains("backup.completed"))
                            .count();
                    sb.append(String.format(
                            Locale.ROOT,
                            "| %d | %s%s | %,d | %d / %d | %s | %,.0f | %,.0f |%n",
                            s.index,
                            s.token.equals(admin) ? "admin" : "viewer",
                            s.tokenInQuery ? " (`?access_token=`)" : "",
                            s.events.size(),
                            seen,
                            posted.size(),
                            s.outOfOrder.isEmpty() ? "yes" : "**no**",
                            s.maxGapMillis(),
                            lag / 1e6));
                }
            }
            double[] gaps = subs.stream().mapToDouble(Subscriber::maxGapMillis).sorted().toArray();
            sb.append(String.format(
                    Locale.ROOT,
                    "%nEvents received: %,d in all (%s); longest gap between two events of one subscriber: %,.0f ms"
                            + " (median over the subscribers %,.0f ms).%n",
                    total,
                    byType,
                    gaps.length == 0 ? 0 : gaps[gaps.length - 1],
                    gaps.length == 0 ? 0 : gaps[(gaps.length - 1) / 2]));
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ a small JSON reader

    /** Objects as maps, arrays as lists, numbers as Long or Double, and strings, booleans and null. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != text.length()) throw j.error("trailing characters");
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at " + i + " in "
                    + (s.length() > 200 ? s.substring(0, 200) + "…" : s));
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private Object value() {
            ws();
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(i) == ',') i++;
                        else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i) == ',') i++;
                        else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (s.startsWith("true", i)) {
                        i += 4;
                        return true;
                    }
                    if (s.startsWith("false", i)) {
                        i += 5;
                        return false;
                    }
                    if (s.startsWith("null", i)) {
                        i += 4;
                        return null;
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                    String n = s.substring(start, i);
                    if (n.isEmpty()) throw error("unexpected character '" + c + "'");
                    return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
                }
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) throw error("expected '" + c + "'");
            i++;
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> sb.append(e);
                }
            }
        }
    }
}
