package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.testkit.PostgresExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers on one PostgreSQL catalog, both with the same webhook: every alert is delivered once, by
 * whichever worker claims it first.
 */
@ExtendWith(PostgresExtension.class)
class NotificationsClusterTest {
    @TempDir
    Path tmp;

    @Test
    void twoWorkersDeliverEachAlertOnce(PgCluster cluster) throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            deliveries.add(ex.getRequestHeaders().getFirst("X-Lifeboat-Delivery"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String catalog = ServerHarness.createCatalog(cluster);
        Path secret = tmp.resolve("hook.secret");
        Files.writeString(secret, "cluster-secret\n", StandardCharsets.UTF_8);
        String yaml = "notifications:\n  retry-base-seconds: 1\n  webhooks:\n    - url: http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/hook\n      secret-file: " + secret + "\n";
        Path store = tmp.resolve("store");
        ServerHarness web1 = null;
        ServerHarness web2 = null;
        try {
            for (String name : List.of("web1", "web2")) {
                Path conf = ServerHarness.postgresConfig(tmp, cluster, name, catalog, store);
                Files.writeString(conf, Files.readString(conf) + yaml);
                if (name.equals("web1")) web1 = ServerHarness.fromConfig(tmp, cluster, conf);
                else web2 = ServerHarness.fromConfig(tmp, cluster, conf);
            }
            // backups of a database that does not exist fail, each raising backup.failed
            ServerHarness.Setup s = web1.setup("lb_no_such_db_" + Long.toHexString(System.nanoTime()), "staging");
            int alerts = 6;
            for (int i = 0; i < alerts; i++) {
                String id = web1.ok("POST", "/api/v1/environments/" + s.env() + "/backups", web1.adminToken, Map.of())
                        .path("id")
                        .asText();
                assertThat(web1.await("/api/v1/backups/" + id, web1.adminToken, ServerHarness::ended)
                                .path("status")
                                .asText())
                        .isEqualTo("failed");
            }
            ServerHarness h = web1;
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .until(() ->
                            h.call("GET", "/metrics", null, null).text().contains("lifeboat_notifications_pending 0.0")
                                    && deliveries.size() >= alerts);
            assertThat(deliveries).hasSize(alerts);
            assertThat(new HashSet<>(deliveries)).as("no delivery sent twice").hasSize(alerts);
        } finally {
            try {
                if (web2 != null) web2.close();
                if (web1 != null) web1.close();
            } finally {
                receiver.stop(0);
                ServerHarness.dropCatalog(cluster, catalog);
            }
        }
    }
}
