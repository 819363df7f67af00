package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against hostile or careless requests, over plain HTTP: no session, forged forms (CSRF),
 * other sites' origins, open redirects, markup in user-supplied text, revoked tokens, other projects, and
 * paths outside its static files.
 */
@ExtendWith(PostgresExtension.class)
class DashboardSecurityTest {
    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    HttpResponse<String> get(ServerHarness h, String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base + path));
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(ServerHarness h, String path, String cookie, Map<String, String> form, String origin)
            throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        for (var e : form.entrySet()) {
            if (!body.isEmpty()) body.append('&');
            body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) b.header("Cookie", cookie);
        if (origin != null) b.header("Origin", origin);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in with a token; returns the cookie header value. */
    String signIn(ServerHarness h, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = post(h, "/ui/login", null, Map.of("token", token, "next", "/ui/"), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(set).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        return set.substring(0, set.indexOf(';'));
    }

    static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a form token on the page").isTrue();
        return m.group(1);
    }

    @Test
    void refusesWhatDoesNotComeFromASignedInUserOnItsOwnPages(TestDatabase db) throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp, db.cluster())) {
            ServerHarness.Setup s = h.setup(db.name(), "production");

            // no session: pages send to the sign-in page (only to paths of the dashboard), forms are refused
            HttpResponse<String> r = get(h, "/ui/environments/" + s.env(), null);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElseThrow())
                    .isEqualTo("/ui/login?next=%2Fui%2Fenvironments%2F" + s.env());
            assertThat(post(h, "/ui/environments/" + s.env() + "/backups", null, Map.of(), null)
                            .statusCode())
                    .isEqualTo(401);
            r = get(h, "/ui/login", null);
            assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'")
                    .contains("frame-ancestors 'none'");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");

            // a sign-in never redirects to another site
            for (String next : new String[] {"//evil.example/", "https://evil.example/", "/\\evil.example"}) {
                HttpResponse<String> in = post(h, "/ui/login", null, Map.of("token", h.adminToken, "next", next), null);
                assertThat(in.headers().firstValue("Location")).as(next).contains("/ui/");
            }
            // nor signs in from another site's form
            assertThat(post(h, "/ui/login", null, Map.of("token", h.adminToken), "https://evil.example")
                            .statusCode())
                    .isEqualTo(403);
            assertThat(post(h, "/ui/login", null, Map.of("token", "lbt_wrong"), null)
                            .statusCode())
                    .isEqualTo(401);

            String cookie = signIn(h, h.adminToken);
            String page = get(h, "/ui/environments/" + s.env(), cookie).body();
            String token = csrf(page);

            // a form without the session's form token, or with another one, or from another origin: refused
            for (Map<String, String> form : java.util.List.of(Map.<String, String>of(), Map.of("_csrf", "x" + token))) {
                r = post(h, "/ui/environments/" + s.env() + "/backups", cookie, form, null);
                assertThat(r.statusCode()).isEqualTo(403);
                assertThat(r.body()).contains("form token");
            }
            r = post(
                    h,
                    "/ui/environments/" + s.env() + "/backups",
                    cookie,
                    Map.of("_csrf", token),
                    "https://evil.example");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(h.ok("GET", "/api/v1/environments/" + s.env() + "/backups", h.adminToken, null)
                            .path("items"))
                    .as("nothing was queued by the refused forms")
                    .isEmpty();
            // with it, from this origin: queued
            r = post(h, "/ui/environments/" + s.env() + "/backups", cookie, Map.of("_csrf", token), h.base);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(h.ok("GET", "/api/v1/environments/" + s.env() + "/backups", h.adminToken, null)
                            .path("items"))
                    .hasSize(1);

            // markup typed by a user is shown as text (a restore reason in the audit log)
            h.call(
                    "POST",
                    "/api/v1/restores",
                    h.adminToken,
                    Map.of(
                            "backup_id", "nope",
                            "target_environment_id", s.env(),
                            "reason", "<script>alert(1)</script>"));
            h.ok(
                    "POST",
                    "/api/v1/environments/" + s.env() + "/backups",
                    h.adminToken,
                    Map.of("reason", "<img src=x onerror=alert(1)>"));
            String audit = get(h, "/ui/audit", cookie).body();
            assertThat(audit).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(1)&gt;");

            // static files: only the dashboard's own
            assertThat(get(h, "/ui/static/app.js", null).statusCode()).isEqualTo(200);
            assertThat(get(h, "/ui/static/htmx.min.js", null).statusCode()).isEqualTo(200);
            assertThat(get(h, "/ui/static/..%2F..%2Fopenapi.json", null).statusCode())
                    .isEqualTo(404);
            assertThat(get(h, "/ui/static/logback.xml", null).statusCode()).isEqualTo(404);

            // another project's environment is not found for a member of this one; production is refused
            String other = h.ok(
                            "POST",
                            "/api/v1/organizations/" + s.org() + "/projects",
                            h.adminToken,
                            Map.of("name", "other"))
                    .path("id")
                    .asText();
            String member = h.user("mia", "project_member", other);
            String memberCookie = signIn(h, member);
            r = get(h, "/ui/environments/" + s.env(), memberCookie);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(get(h, "/ui/", memberCookie).body()).doesNotContain("/ui/environments/" + s.env());
            assertThat(get(h, "/ui/audit", memberCookie).statusCode()).isEqualTo(403);
            assertThat(get(h, "/ui/users", memberCookie).statusCode()).isEqualTo(403);

            // revoking the token ends the session at the next page
            String uid = h.ok("GET", "/api/v1/users", h.adminToken, null).path("items").findValues("id").stream()
                    .filter(n -> !n.isNull())
                    .map(n -> n.asText())
                    .filter(id -> h.call("GET", "/api/v1/users/" + id + "/tokens", h.adminToken, null)
                            .text()
                            .contains("\"name\":\"t\""))
                    .findFirst()
                    .orElseThrow();
            String tokenId = h.ok("GET", "/api/v1/users/" + uid + "/tokens", h.adminToken, null)
                    .path("items")
                    .get(0)
                    .path("id")
                    .asText();
            assertThat(get(h, "/ui/", memberCookie).statusCode()).isEqualTo(200);
            h.call("DELETE", "/api/v1/tokens/" + tokenId, h.adminToken, null);
            r = get(h, "/ui/", memberCookie);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("/ui/login");

            // signing out ends the session
            String again = signIn(h, h.adminToken);
            String t2 = csrf(get(h, "/ui/", again).body());
            assertThat(post(h, "/ui/logout", again, Map.of("_csrf", t2), null).statusCode())
                    .isEqualTo(302);
            assertThat(get(h, "/ui/", again).statusCode()).isEqualTo(302);

            // the event stream of the dashboard needs a session
            HttpResponse<String> sse = http.send(
                    HttpRequest.newBuilder(URI.create(h.base + "/ui/events"))
                            .header("Accept", "text/event-stream")
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sse.body()).contains("event: error").contains("unauthorized");
        }
    }
}
