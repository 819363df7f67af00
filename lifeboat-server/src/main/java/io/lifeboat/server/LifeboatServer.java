package io.lifeboat.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lifeboat server}: the catalog, this worker's jobs and heartbeat, and the HTTP API, started from one
 * configuration file and stopped together.
 */
public final class LifeboatServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LifeboatServer.class);
    private final ServerConfig config;
    private final Catalog catalog;
    private final BackupStore store;
    private final Services services;
    private final Jobs jobs;
    private final ScheduledExecutorService heartbeat;
    private final Javalin http;
    private final Api api;

    private LifeboatServer(ServerConfig config) {
        this.config = config;
        this.catalog = Catalog.open(config.catalogUrl(), config.catalogUser(), config.catalogPassword());
        try {
            this.store = BackupStore.open(config.store(), config.storeOptions());
            ObjectMapper json = mapper();
            this.services = new Services(config, catalog, json, store);
            this.jobs = new Jobs(services);
            DownloadLinks links = new DownloadLinks(config.secretFile(), config.publicUrl());
            BackupJobs backups = new BackupJobs(services, jobs);
            RestoreJobs restores = new RestoreJobs(services, jobs, backups);
            DrillJobs drills = new DrillJobs(services, jobs, backups, restores);
            Schedules schedules = new Schedules(services, backups, drills, jobs);
            Metrics metrics = new Metrics(services, jobs);
            bootstrap();
            removeInterruptedImports();
            beat();
            this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lifeboat-heartbeat");
                t.setDaemon(true);
                return t;
            });
            heartbeat.scheduleAtFixedRate(
                    this::beatQuietly, config.heartbeatSeconds(), config.heartbeatSeconds(), TimeUnit.SECONDS);
            jobs.start(backups::execute, restores::execute, drills::execute, schedules::tick);
            services.notifications.start();
            this.api = new Api(services, backups, restores, schedules, drills, jobs, links, metrics);
            Dashboard dashboard = new Dashboard(services, backups, restores, schedules, drills, api);
            this.http = Javalin.create(c -> {
                c.concurrency.useVirtualThreads = true;
                c.startup.showJavalinBanner = false;
                c.jsonMapper(new JavalinJackson(json, true));
                c.http.maxRequestSize = 1_000_000L;
                api.routes(c);
                dashboard.routes(c);
            });
            http.start(config.listenHost(), config.listenPort());
            LOG.info("lifeboat server {} listening on {}:{}", config.serverName(), config.listenHost(), http.port());
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
    }

    /** Starts a server from a validated configuration; it runs until {@link #close()}. */
    public static LifeboatServer start(ServerConfig config) {
        return new LifeboatServer(config);
    }

    public int port() {
        return http.port();
    }

    public String serverName() {
        return config.serverName();
    }

    /** This worker's alerts: for the parts of the server that raise them (and tests). */
    Notifications notifications() {
        return services.notifications;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS);
    }

    /** The first start with no user: registers the token of the bootstrap file as a portal admin named admin. */
    private void bootstrap() {
        Path f = config.bootstrapTokenFile();
        if (f == null || services.accounts.anyUser()) return;
        try {
            String token;
            if (Files.exists(f)) {
                token = Files.readString(f).strip();
                if (token.length() < 24) {
                    throw new io.lifeboat.LifeboatException(
                            io.lifeboat.LifeboatException.Kind.USAGE,
                            "the bootstrap token in " + f + " is shorter than 24 characters",
                            "Remove the file to have a token made, or put a long random one in it.");
                }
            } else {
                token = Accounts.newToken();
                if (f.getParent() != null) Files.createDirectories(f.getParent());
                Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(f, token + "\n");
            }
            String id = services.accounts.createUser("admin");
            services.accounts.bind(id, Role.PORTAL_ADMIN, "global", "");
            services.accounts.storeToken(id, "bootstrap", token, null);
            services.audit.record("lifeboat", "user.bootstrap", "user:" + id, null, java.util.Map.of("name", "admin"));
            LOG.info("registered the portal admin 'admin' with the token in {}", f);
        } catch (IOException e) {
            throw new io.lifeboat.LifeboatException(
                    io.lifeboat.LifeboatException.Kind.ENVIRONMENT,
                    "cannot read or write " + f + ": " + e.getMessage());
        }
    }

    /** Uploads cut short when the server stopped: no record names them (it is written last). */
    private void removeInterruptedImports() {
        if (!Files.isDirectory(config.spool())) return;
        try (var files = Files.list(config.spool())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("import-"))
                    .toList()) {
                Files.deleteIfExists(f);
                LOG.info("removed {}, an upload cut short when the server stopped", f);
            }
        } catch (IOException e) {
            LOG.warn("could not look for interrupted uploads in {}: {}", config.spool(), e.getMessage());
        }
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat: {}", e.getMessage());
        }
    }

    private void beat() {
        long free;
        try {
            Files.createDirectories(config.spool());
            free = Files.getFileStore(config.spool()).getUsableSpace();
        } catch (IOException e) {
            free = 0;
        }
        long memory =
                ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                        ? os.getTotalMemorySize()
                        : Runtime.getRuntime().maxMemory();
        long now = Platform.now();
        String instances =
                services.toJson(config.instances().keySet().stream().sorted().toList());
        String version = LifeboatServer.class.getPackage().getImplementationVersion();
        if (version == null) version = "dev";
        catalog.update(
                "insert into servers (name, started_at, heartbeat_at, free_disk, cores, memory, instances, version)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (name) do update set heartbeat_at ="
                        + " excluded.heartbeat_at, free_disk = excluded.free_disk, cores = excluded.cores, memory ="
                        + " excluded.memory, instances = excluded.instances, version = excluded.version",
                config.serverName(),
                now,
                now,
                free,
                Runtime.getRuntime().availableProcessors(),
                memory,
                instances,
                version);
    }

    @Override
    public void close() {
        try {
            api.stop();
            http.stop();
        } finally {
            heartbeat.shutdownNow();
            services.notifications.close();
            jobs.close();
            services.running.close();
            try {
                store.close();
            } catch (IOException e) {
                LOG.warn("closing the store: {}", e.getMessage());
            }
            catalog.close();
        }
    }
}
