package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event stream ({@code GET /api/v1/events/stream}) read as a browser would, with {@code Accept:
 * text/event-stream}, frames parsed from the wire. One server and one backup per class, held in one of its
 * steps for a few seconds so its progress events can be counted: subscribers connect before the backup is
 * asked for, and the tests read what each of them got.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamTest {
    private static final Duration WAIT = Duration.ofMinutes(3);

    ServerHarness h;
    String project;
    String env;
    String warehouse;
    String depot;
    String backupId;
    /** What the portal admin's stream got from the request of the backup to its completed event. */
    List<Frame> adminFrames;
    /** What a viewer of the project got (token in the query), same span. */
    List<Frame> viewerFrames;
    /** What an admin of another project of the same organization got, up to its own sentinel event. */
    List<Frame> otherProjectFrames;
    /** What an admin of another organization got, up to its own sentinel event. */
    List<Frame> otherOrgFrames;

    @BeforeAll
    void start(TestDatabase db, @TempDir Path tmp) throws Exception {
        h = ServerHarness.sqlite(tmp, db.cluster());
        h.fill(db.name());
        ServerHarness.Setup s = h.setup(db.name(), "production");
        project = s.project();
        env = s.env();
        // another project of acme, and a project of another organization; both hold production restores for
        // approval, so a restore asked there and cancelled makes two events there and touches no database:
        // the sentinels that show a subscriber's stream has read past the backup's events
        warehouse = project(s.org(), "warehouse");
        String globex = h.ok("POST", "/api/v1/organizations", h.adminToken, Map.of("name", "globex"))
                .path("id")
                .asText();
        depot = project(globex, "depot");
        String viewer = h.user("viewer", "viewer", project);
        String otherProjectAdmin = h.user("wh-admin", "project_admin", warehouse);
        String otherOrgAdmin = h.user("globex-admin", "org_admin", globex);

        try (Subscription admin = Subscription.open(h, Map.of("Authorization", "Bearer " + h.adminToken), "");
                Subscription view = Subscription.open(h, Map.of(), "?access_token=" + viewer);
                Subscription other = Subscription.open(h, Map.of("Authorization", "Bearer " + otherProjectAdmin), "");
                Subscription stranger = Subscription.open(h, Map.of("Authorization", "Bearer " + otherOrgAdmin), "")) {
            for (Subscription sub : List.of(admin, view, other, stranger)) sub.awaitOpening();
            // the backup is held in its upload step (the server's step hook for tests) until the admin's stream
            // has had four progress events of it, so it runs for seconds however fast this machine is
            CountDownLatch release = new CountDownLatch(1);
            Running.stepHook = job -> {
                if (job.kind.equals("backup") && job.step.equals("uploading")) {
                    try {
                        release.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Predicate<Frame> completed;
            try {
                JsonNode queued = h.ok(
                        "POST", "/api/v1/environments/" + env + "/backups", h.adminToken, Map.of("reason", "events"));
                backupId = queued.path("id").asText();
                completed = f -> List.of("backup.completed", "backup.failed", "backup.cancelled")
                                .contains(f.event())
                        && backupId.equals(
                                f.json().path("data").path("backup_id").asText());
                int[] progress = {0};
                adminFrames = new ArrayList<>(admin.until(
                        f -> completed.test(f)
                                || (f.event().equals("backup.progress")
                                        && backupId.equals(f.json()
                                                .path("data")
                                                .path("backup_id")
                                                .asText())
                                        && ++progress[0] == 4),
                        WAIT));
                release.countDown();
                if (!completed.test(adminFrames.get(adminFrames.size() - 1))) {
                    adminFrames.addAll(admin.until(completed, WAIT));
                }
            } finally {
                release.countDown();
                Running.stepHook = null;
            }
            viewerFrames = view.until(completed, Duration.ofSeconds(30));
            String whSentinel = sentinel(warehouse);
            String depotSentinel = sentinel(depot);
            otherProjectFrames = other.until(f -> isRestoreEnd(f, whSentinel), Duration.ofSeconds(30));
            otherOrgFrames = stranger.until(f -> isRestoreEnd(f, depotSentinel), Duration.ofSeconds(30));
        }
    }

    /**
     * Stops the server once no stream runs on it any more. When the server stops while a stream loop still runs,
     * the loop ends after Jetty has recycled its request; Javalin's handling of that request then fails, and the
     * server's exception handler, reading the recycled request's path, fails in turn, in a loop that logs
     * without end for the rest of this JVM. A stream loop learns that its client has gone only when it writes,
     * so events are made in every project a subscriber saw until the thread dump of this JVM shows no stream
     * loop.
     */
    @AfterAll
    void stop() throws Exception {
        if (h == null) return;
        try {
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (openStreams() == 0) return true;
                        h.ok("POST", "/api/v1/environments/" + env + "/check", h.adminToken, null);
                        sentinel(warehouse);
                        sentinel(depot);
                        return false;
                    });
        } finally {
            h.close();
        }
    }

    /** Threads of this JVM running the server's stream loop ({@code Api.stream}). */
    private static long openStreams() throws IOException {
        Path f = Files.createTempDirectory("threads").resolve("dump.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(f.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            JsonNode dump = ServerHarness.JSON.readTree(f.toFile());
            return dump.findValues("stack").stream()
                    .filter(stack -> stack.toString().contains("io.lifeboat.server.Api.stream("))
                    .count();
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(f.getParent());
        }
    }

    @Test
    void aBackupsEventsArriveInOrderWithIncreasingIds() {
        List<Frame> mine = ofBackup(adminFrames);
        assertThat(mine).as(adminFrames.toString()).isNotEmpty();
        List<String> types = mine.stream().map(Frame::event).toList();
        assertThat(types.get(0)).isEqualTo("backup.queued");
        assertThat(types.get(1)).as(types.toString()).isEqualTo("backup.started");
        assertThat(types.get(types.size() - 1)).as(types.toString()).isEqualTo("backup.completed");
        assertThat(types.subList(2, types.size() - 1))
                .as(types.toString())
                .isNotEmpty()
                .allMatch("backup.progress"::equals);
        // every frame carries its id, and the ids of the whole stream only grow
        assertThat(adminFrames)
                .allSatisfy(f -> assertThat(f.id()).as(f.toString()).isNotNull());
        for (int i = 1; i < adminFrames.size(); i++) {
            assertThat(adminFrames.get(i).id())
                    .isGreaterThan(adminFrames.get(i - 1).id());
        }
        // the data is the event itself: its id and type again, the project and environment
        for (Frame f : mine) {
            JsonNode j = f.json();
            assertThat(j.path("id").asLong()).isEqualTo(f.id());
            assertThat(j.path("type").asText()).isEqualTo(f.event());
            assertThat(j.path("project_id").asText()).isEqualTo(project);
            assertThat(j.path("environment_id").asText()).isEqualTo(env);
        }
        List<Integer> percents = mine.stream()
                .filter(f -> f.event().equals("backup.progress"))
                .map(f -> f.json().path("data").path("percent").asInt())
                .toList();
        assertThat(percents).as("percent of the progress events").isSorted();
        assertThat(percents).allSatisfy(p -> assertThat(p).isBetween(0, 100));
        assertThat(h.ok("GET", "/api/v1/backups/" + backupId, h.adminToken, null)
                        .path("status")
                        .asText())
                .isEqualTo("completed");
    }

    @Test
    void whileTheBackupRunsAProgressEventComesAtLeastEverySecondAndAHalf() {
        List<Frame> mine = ofBackup(adminFrames);
        List<Frame> running = mine.subList(1, mine.size()); // started .. completed
        long startedAt = at(running.get(0));
        long completedAt = at(running.get(running.size() - 1));
        assertThat(completedAt - startedAt)
                .as("the backup must run long enough to show its progress events")
                .isGreaterThan(3000);
        assertThat(running.stream().filter(f -> f.event().equals("backup.progress")))
                .hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < running.size(); i++) {
            long gap = at(running.get(i)) - at(running.get(i - 1));
            assertThat(gap)
                    .as("gap before " + running.get(i) + " after " + running.get(i - 1))
                    .isLessThanOrEqualTo(1500);
        }
        // and they reach the subscriber as they happen, not in one batch at the end
        for (int i = 1; i < running.size(); i++) {
            long gap = running.get(i).receivedMillis() - running.get(i - 1).receivedMillis();
            assertThat(gap).as("received gap before " + running.get(i)).isLessThanOrEqualTo(2500);
        }
    }

    @Test
    void reconnectingWithLastEventIdYieldsExactlyTheLaterEventsInOrder() throws Exception {
        List<Frame> mine = ofBackup(adminFrames);
        long last = mine.get(mine.size() - 1).id();
        for (Frame resumeAfter : List.of(mine.get(0), mine.get(1), mine.get(mine.size() / 2))) {
            long n = resumeAfter.id();
            List<Long> expected =
                    adminFrames.stream().map(Frame::id).filter(id -> id > n).toList();
            try (Subscription again = Subscription.open(
                    h, Map.of("Authorization", "Bearer " + h.adminToken, "Last-Event-ID", Long.toString(n)), "")) {
                assertThat(again.awaitOpening()).isEqualTo(n);
                List<Frame> got = again.until(f -> f.id() != null && f.id() >= last, Duration.ofSeconds(30));
                assertThat(got.stream().map(Frame::id).toList())
                        .as("after Last-Event-ID " + n)
                        .isEqualTo(expected);
                assertThat(got.stream().map(Frame::data).toList())
                        .isEqualTo(adminFrames.stream()
                                .filter(f -> f.id() > n)
                                .map(Frame::data)
                                .toList());
            }
        }
        // the same through the query parameters, for clients that cannot set headers
        long n = mine.get(1).id();
        try (Subscription again =
                Subscription.open(h, Map.of(), "?access_token=" + h.adminToken + "&last_event_id=" + n)) {
            assertThat(again.awaitOpening()).isEqualTo(n);
            List<Frame> got = again.until(f -> f.id() != null && f.id() >= last, Duration.ofSeconds(30));
            assertThat(got.get(0).id()).isGreaterThan(n);
            assertThat(got.stream().map(Frame::id).toList())
                    .isEqualTo(adminFrames.stream()
                            .map(Frame::id)
                            .filter(id -> id > n)
                            .toList());
        }
    }

    @Test
    void aViewerOfTheProjectSeesTheSameEvents() {
        assertThat(viewerFrames.stream().map(Frame::id).toList())
                .isEqualTo(ofBackup(adminFrames).stream().map(Frame::id).toList());
    }

    @Test
    void subscribersWhoseRolesCoverOtherProjectsSeeNoneOfThem() {
        for (List<Frame> frames : List.of(otherProjectFrames, otherOrgFrames)) {
            // they did get their own project's events (the sentinel), so the stream was live
            assertThat(frames).isNotEmpty();
            assertThat(frames)
                    .as(frames.toString())
                    .noneMatch(f -> project.equals(f.json().path("project_id").asText()))
                    .noneMatch(f -> f.data().contains(backupId))
                    .noneMatch(f -> f.event().startsWith("backup."));
        }
    }

    @Test
    void aBadTokenGetsAnErrorEventAndAClosedStreamWithoutData() throws Exception {
        // a token revoked through the API
        String revoked = h.user("brief", "viewer", project);
        String userId = h.ok("GET", "/api/v1/me", revoked, null).path("user_id").asText();
        String tokenId = h.ok("GET", "/api/v1/users/" + userId + "/tokens", h.adminToken, null)
                .path("items")
                .get(0)
                .path("id")
                .asText();
        assertThat(h.call("DELETE", "/api/v1/tokens/" + tokenId, h.adminToken, null)
                        .status())
                .isEqualTo(204);
        List<Map.Entry<Map<String, String>, String>> bad = List.of(
                Map.entry(Map.of("Authorization", "Bearer lbt_" + "x".repeat(43)), ""),
                Map.entry(Map.of("Authorization", "Basic YWRtaW46YWRtaW4="), ""),
                Map.entry(Map.<String, String>of(), ""),
                Map.entry(Map.<String, String>of(), "?access_token=nonsense&last_event_id=0"),
                Map.entry(Map.of("Authorization", "Bearer " + revoked, "Last-Event-ID", "0"), ""),
                Map.entry(Map.<String, String>of(), "?access_token=" + revoked + "&last_event_id=0"));
        for (var b : bad) {
            try (Subscription s = Subscription.open(h, b.getKey(), b.getValue())) {
                List<Frame> got = s.toEnd(Duration.ofSeconds(20));
                assertThat(got)
                        .as(b + ": " + got)
                        .isNotEmpty()
                        .allSatisfy(f -> assertThat(f.event()).isEqualTo("error"));
                assertThat(got.get(0).json().path("error").asText()).isEqualTo("unauthorized");
                assertThat(got).noneMatch(f -> f.id() != null);
            }
        }
    }

    /**
     * A token revoked while its stream is open gets no further events on it (an error event or the end of the
     * stream instead). Shows a bug: the stream authenticates once, when it opens ({@code Api.stream}), and then
     * keeps sending with the roles it found then, so revoking a token (or changing a user's roles) does not
     * reach the streams already open.
     */
    @Test
    void aTokenRevokedWhileItsStreamIsOpenGetsNoFurtherEvents() throws Exception {
        String token = h.user("leaver", "viewer", project);
        String userId = h.ok("GET", "/api/v1/me", token, null).path("user_id").asText();
        String tokenId = h.ok("GET", "/api/v1/users/" + userId + "/tokens", h.adminToken, null)
                .path("items")
                .get(0)
                .path("id")
                .asText();
        try (Subscription admin = Subscription.open(h, Map.of("Authorization", "Bearer " + h.adminToken), "");
                Subscription leaver = Subscription.open(h, Map.of("Authorization", "Bearer " + token), "")) {
            admin.awaitOpening();
            leaver.awaitOpening();
            assertThat(h.call("DELETE", "/api/v1/tokens/" + tokenId, h.adminToken, null)
                            .status())
                    .isEqualTo(204);
            assertThat(h.call("GET", "/api/v1/me", token, null).status()).isEqualTo(401);
            // an event of the project after the revocation
            h.ok("POST", "/api/v1/environments/" + env + "/check", h.adminToken, null);
            List<Frame> seen = admin.until(f -> f.event().startsWith("check."), Duration.ofSeconds(60));
            long checkId = seen.get(seen.size() - 1).id();
            List<Frame> got = leaver.collect(
                    f -> "error".equals(f.event()) || (f.id() != null && f.id() >= checkId), Duration.ofSeconds(5));
            assertThat(got)
                    .as("frames on the stream of the revoked token: " + got)
                    .noneMatch(f -> f.id() != null && f.id() >= checkId);
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private List<Frame> ofBackup(List<Frame> frames) {
        return frames.stream()
                .filter(f ->
                        backupId.equals(f.json().path("data").path("backup_id").asText()))
                .toList();
    }

    private static long at(Frame f) {
        return java.time.Instant.parse(f.json().path("at").asText()).toEpochMilli();
    }

    private static boolean isRestoreEnd(Frame f, String restoreId) {
        return "restore.cancelled".equals(f.event())
                && restoreId.equals(f.json().path("data").path("restore_id").asText());
    }

    /**
     * Asks for a restore into a new production environment of a project that holds such restores for
     * approval, and cancels it: two events in that project, and no database touched.
     */
    private String sentinel(String projectId) {
        String n = Long.toHexString(System.nanoTime());
        String env = h.ok(
                        "POST",
                        "/api/v1/projects/" + projectId + "/environments",
                        h.adminToken,
                        Map.of(
                                "name",
                                "s-" + n,
                                "type",
                                "production",
                                "server",
                                "web1",
                                "instance",
                                "main",
                                "database",
                                "lbev_unused_" + n))
                .path("id")
                .asText();
        JsonNode r = h.ok(
                "POST",
                "/api/v1/restores",
                h.adminToken,
                Map.of("backup_id", backupId, "target_environment_id", env, "confirm_environment_name", "s-" + n));
        assertThat(r.path("status").asText()).isEqualTo("awaiting_approval");
        JsonNode c = h.ok("POST", "/api/v1/restores/" + r.path("id").asText() + "/cancel", h.adminToken, null);
        assertThat(c.path("status").asText()).isEqualTo("cancelled");
        return r.path("id").asText();
    }

    private String project(String org, String name) {
        return h.ok(
                        "POST",
                        "/api/v1/organizations/" + org + "/projects",
                        h.adminToken,
                        Map.of("name", name, "require_approval", true))
                .path("id")
                .asText();
    }

    /** One server-sent event (or comment) as it came over the wire, with when it came. */
    record Frame(Long id, String event, String data, String comment, long receivedMillis) {
        JsonNode json() {
            try {
                return data == null ? ServerHarness.JSON.missingNode() : ServerHarness.JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("data is not JSON: " + data, e);
            }
        }

        @Override
        public String toString() {
            return comment != null ? ":" + comment : id + "/" + event;
        }
    }

    /** A subscription to the event stream, read on its own thread into a queue. */
    static final class Subscription implements AutoCloseable {
        private static final Frame END = new Frame(null, null, null, null, 0);
        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        private final int status;
        private final String contentType;
        private boolean ended;

        private Subscription(ServerHarness h, Map<String, String> headers, String query) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base + "/api/v1/events/stream" + query))
                    .header("Accept", "text/event-stream")
                    .GET();
            headers.forEach(b::header);
            HttpResponse<InputStream> r = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(30, TimeUnit.SECONDS);
            status = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse("");
            Thread.ofVirtual().name("sse-reader").start(() -> read(r.body()));
        }

        static Subscription open(ServerHarness h, Map<String, String> headers, String query) throws Exception {
            Subscription s = new Subscription(h, headers, query);
            assertThat(s.status).isEqualTo(200);
            assertThat(s.contentType).startsWith("text/event-stream");
            return s;
        }

        private void read(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                Long id = null;
                String event = null;
                StringBuilder data = null;
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (event != null || data != null || id != null) {
                            frames.add(new Frame(
                                    id,
                                    event,
                                    data == null ? null : data.toString(),
                                    null,
                                    System.currentTimeMillis()));
                        }
                        id = null;
                        event = null;
                        data = null;
                    } else if (line.startsWith(":")) {
                        frames.add(new Frame(null, null, null, line.substring(1).strip(), System.currentTimeMillis()));
                    } else {
                        int colon = line.indexOf(':');
                        String field = colon < 0 ? line : line.substring(0, colon);
                        String value = colon < 0 ? "" : line.substring(colon + 1);
                        if (value.startsWith(" ")) value = value.substring(1);
                        switch (field) {
                            case "id" -> id = Long.parseLong(value);
                            case "event" -> event = value;
                            case "data" ->
                                data = data == null
                                        ? new StringBuilder(value)
                                        : data.append('\n').append(value);
                            default -> {}
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed by us or by the server: the end of the stream
            } finally {
                frames.add(END);
            }
        }

        /** Waits for the comment that opens the stream and returns the id it resumes after. */
        long awaitOpening() throws InterruptedException {
            Frame f = next(Duration.ofSeconds(30));
            assertThat(f).as("the opening comment").isNotNull();
            assertThat(f.comment()).as(f.toString()).startsWith("lifeboat events from ");
            return Long.parseLong(f.comment().substring("lifeboat events from ".length()));
        }

        /** The next frame; null when none came in time or the stream ended. */
        Frame next(Duration timeout) throws InterruptedException {
            if (ended) return null;
            Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f == END) {
                ended = true;
                return null;
            }
            return f;
        }

        /** The events up to and with the first that matches; fails when none comes in time. */
        List<Frame> until(Predicate<Frame> last, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Frame> out = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                Frame f = left <= 0 ? null : next(Duration.ofNanos(left));
                if (f == null) {
                    throw new AssertionError(
                            (ended ? "the stream ended" : "no matching event within " + timeout) + " after " + out);
                }
                if (f.comment() != null) continue;
                out.add(f);
                if (last.test(f)) return out;
            }
        }

        /** The events until one matches, the stream ends or the time is up, whichever comes first. */
        List<Frame> collect(Predicate<Frame> last, Duration max) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            List<Frame> out = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                Frame f = left <= 0 ? null : next(Duration.ofNanos(left));
                if (f == null) return out;
                if (f.comment() != null) continue;
                out.add(f);
                if (last.test(f)) return out;
            }
        }

        /** The events until the server closes the stream; fails when it stays open. */
        List<Frame> toEnd(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Frame> out = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("the stream is still open after " + timeout + ": " + out);
                Frame f = next(Duration.ofNanos(left));
                if (f == null && ended) return out;
                if (f != null && f.comment() == null) out.add(f);
            }
        }

        @Override
        public void close() {
            http.shutdownNow();
        }
    }
}
