package io.lifeboat.server;

import io.lifeboat.postgres.PgCluster;
import java.io.IOException;
import java.nio.file.Path;

/** Servers for the permission, event stream and audit tests. */
final class TestServers {
    private TestServers() {}

    /**
     * The harness' server, its SQLite catalog ({@code <dir>/catalog.db}) opened with transactions that begin
     * IMMEDIATE. With the default (deferred) transactions an audited API call fails now and then with
     * SQLITE_BUSY (500) while another connection writes the catalog, which AuditChainTest shows on the plain
     * harness; this keeps that failure out of the tests that are about something else. The query is redundant
     * once the catalog begins its SQLite transactions IMMEDIATE itself.
     */
    static ServerHarness immediate(Path dir, PgCluster cluster) throws IOException {
        return new ServerHarness(
                dir,
                cluster,
                "web1",
                "sqlite:" + dir.resolve("catalog.db") + "?transaction_mode=IMMEDIATE",
                dir.resolve("store"));
    }
}
