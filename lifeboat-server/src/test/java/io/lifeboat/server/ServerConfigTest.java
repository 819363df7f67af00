package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lifeboat.LifeboatException;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The configuration file is validated as a whole; secrets never leave the server. */
class ServerConfigTest {
    @TempDir
    Path tmp;

    private Path write(String yaml) throws Exception {
        Path f = tmp.resolve("server.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void aValidFileResolvesPathsAgainstItsDirectory() throws Exception {
        Files.writeString(tmp.resolve("catalog.pw"), "pw-from-file\n");
        ServerConfig c = ServerConfig.load(write("""
                listen: 9000
                server-name: web1
                catalog: jdbc:postgresql://db/lifeboat?password=inline-secret
                catalog-password-file: catalog.pw
                store: backups
                spool: spool
                secret-file: server.key
                public-url: https://lifeboat.example.com/
                instances:
                  main:
                    host: /run/postgresql
                    user: odoo
                    password: db-secret
                    data-dir: /var/lib/odoo
                """));
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(9000);
        assertThat(c.store()).isEqualTo(tmp.resolve("backups").toString());
        assertThat(c.spool()).isEqualTo(tmp.resolve("spool"));
        assertThat(c.catalogPassword()).isEqualTo("pw-from-file");
        assertThat(c.publicUrl()).isEqualTo("https://lifeboat.example.com");
        assertThat(c.heartbeatSeconds()).isEqualTo(10);
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.instances().get("main").password()).isEqualTo("db-secret");
        assertThat(c.toString()).doesNotContain("inline-secret", "pw-from-file", "db-secret");
    }

    @Test
    void everyProblemIsListedInOneError() throws Exception {
        Path f = write("""
                listen: 127.0.0.1:99999
                catalog: mysql://x
                colour: blue
                password-file: x
                store: /srv/backups
                workers: 0
                poll-seconds: -1
                instances:
                  "bad name":
                    host: x
                  main:
                    port: 70000
                    password: a
                    password-file: /nonexistent/pw
                    odoo_conf: /etc/odoo.conf
                """);
        assertThatThrownBy(() -> ServerConfig.load(f)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.USAGE);
            assertThat(e.getMessage())
                    .contains("port 99999 is out of range")
                    .contains("server-name is missing")
                    .contains("catalog must start with sqlite: or jdbc:postgresql:")
                    .contains("unknown key 'colour'")
                    .contains("unknown key 'password-file'")
                    .contains("spool is missing")
                    .contains("secret-file is missing")
                    .contains("workers must be a whole number from 1 to 64")
                    .contains("poll-seconds must be a number")
                    .contains("instances: name 'bad name'")
                    .contains("instances.main.port is not a port")
                    .contains("give either password or password-file")
                    .contains("instances.main: unknown key 'odoo_conf'");
            assertThat(e.hint()).contains("docs/server.md");
        });
    }

    @Test
    void notYamlOrEmptyIsAClearError() throws Exception {
        assertThatThrownBy(() -> ServerConfig.load(write("listen: [unclosed")))
                .hasMessageContaining("cannot read the server configuration");
        assertThatThrownBy(() -> ServerConfig.load(write(""))).hasMessageContaining("is empty or not a mapping");
        assertThatThrownBy(() -> ServerConfig.load(tmp.resolve("missing.yaml")))
                .hasMessageContaining("cannot read the server configuration");
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(PostgresExtension.class)
    void secretsAreNeverReturnedOrLogged(TestDatabase db) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (ServerHarness h = ServerHarness.sqlite(tmp.resolve("server"), db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "staging");
            String member = h.user("member1", "project_member", s.project());
            String backup = h.ok("POST", "/api/v1/environments/" + s.env() + "/backups", member, null)
                    .path("id")
                    .asText();
            h.await("/api/v1/backups/" + backup, h.adminToken, ServerHarness::ended);
            List<String> bodies = new java.util.ArrayList<>();
            for (String path : List.of(
                    "/api/v1/me",
                    "/api/v1/servers",
                    "/api/v1/environments",
                    "/api/v1/environments/" + s.env(),
                    "/api/v1/backups/" + backup,
                    "/api/v1/users",
                    "/api/v1/audit",
                    "/metrics",
                    "/health")) {
                bodies.add(h.call("GET", path, h.adminToken, null).text());
            }
            String memberId =
                    h.ok("GET", "/api/v1/me", member, null).path("user_id").asText();
            bodies.add(h.call("GET", "/api/v1/users/" + memberId + "/tokens", h.adminToken, null)
                    .text());
            bodies.add(h.call("POST", "/api/v1/storage/test", h.adminToken, Map.of())
                    .text());
            String all = String.join("\n", bodies);
            assertThat(all).doesNotContain(h.adminToken).doesNotContain(member).doesNotContain("token_hash");
            assertThat(all).contains("\"user_id\"");
            String logged = String.join(
                    "\n",
                    logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
            assertThat(logged).doesNotContain(h.adminToken).doesNotContain(member);
            assertThat(logged).as("the audit chain is anchored in the log").contains("audit actor=");
        } finally {
            root.detachAppender(logs);
        }
    }
}
