package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.Json;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A lock on a repository (format §9), refreshed in the background while held. Closing releases it;
 * closing twice is harmless. Thread-safe.
 */
public final class RepositoryLock implements AutoCloseable {

    /** A lock object as found in {@code locks/}. */
    public record Info(
            String name,
            String host,
            long pid,
            boolean exclusive,
            String operation,
            Instant created,
            Instant refreshed) {}

    private final Backend backend;
    private final Clock clock;
    private final Duration staleAfter;
    private final String name;
    private final ObjectNode body;
    private final ScheduledFuture<?> refresher;
    private volatile Instant lastRefresh;
    private volatile boolean lost;
    private volatile boolean closed;

    private RepositoryLock(
            Backend backend,
            Clock clock,
            Duration staleAfter,
            String name,
            ObjectNode body,
            ScheduledExecutorService ex,
            Duration refresh) {
        this.backend = backend;
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.name = name;
        this.body = body;
        this.lastRefresh = clock.instant();
        this.refresher =
                ex.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    static RepositoryLock acquire(
            Backend backend, Repository.Options opts, ScheduledExecutorService ex, boolean exclusive, String operation)
            throws IOException {
        Instant now = opts.clock().instant();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("host", opts.host())
                .put("pid", ProcessHandle.current().pid())
                .put("exclusive", exclusive)
                .put("operation", operation)
                .put("created", now.toString())
                .put("refreshed", now.toString());
        String name = "locks/" + Crypto.hex(Crypto.random(16));
        backend.save(name, ContentSource.ofBytes(Json.MAPPER.writeValueAsBytes(body)));
        try {
            for (Info other : list(backend)) {
                if (other.name().equals(name) || isStale(other, opts)) continue;
                if (exclusive || other.exclusive()) {
                    throw new LifeboatException(
                            Kind.CONFLICT,
                            "repository is locked" + (other.exclusive() ? " exclusively" : "") + " by "
                                    + other.operation() + " on " + other.host() + " (pid " + other.pid()
                                    + ", refreshed " + other.refreshed() + ")",
                            "Wait for it to finish; a lock that is not refreshed for "
                                    + opts.staleLockAfter().toMinutes() + " minutes is considered stale.");
                }
            }
        } catch (IOException | RuntimeException e) {
            backend.delete(name);
            throw e;
        }
        if (exclusive) {
            for (Info other : list(backend)) {
                if (!other.name().equals(name) && isStale(other, opts)) backend.delete(other.name());
            }
        }
        return new RepositoryLock(backend, opts.clock(), opts.staleLockAfter(), name, body, ex, opts.lockRefresh());
    }

    /** Every lock object that could be parsed; unreadable ones are reported as stale-looking entries. */
    static List<Info> list(Backend backend) throws IOException {
        List<Info> out = new ArrayList<>();
        for (ObjectInfo o : backend.list("locks/")) {
            try (InputStream in = backend.load(o.name())) {
                JsonNode n = Json.MAPPER.readTree(in.readAllBytes());
                out.add(new Info(
                        o.name(),
                        n.path("host").asText(),
                        n.path("pid").asLong(),
                        n.path("exclusive").asBoolean(),
                        n.path("operation").asText(),
                        Instant.parse(n.path("created").asText()),
                        Instant.parse(n.path("refreshed").asText())));
            } catch (ObjectNotFoundException e) {
                // released meanwhile
            } catch (com.fasterxml.jackson.core.JacksonException | java.time.DateTimeException e) {
                out.add(new Info(o.name(), "?", 0, false, "unreadable lock", Instant.EPOCH, Instant.EPOCH));
            }
        }
        return out;
    }

    /** Stale: not refreshed within the limit, or taken on this host by a process that has ended. */
    static boolean isStale(Info lock, Repository.Options opts) {
        if (lock.refreshed().plus(opts.staleLockAfter()).isBefore(opts.clock().instant())) return true;
        return lock.host().equals(opts.host())
                && lock.pid() != ProcessHandle.current().pid()
                && ProcessHandle.of(lock.pid()).isEmpty();
    }

    private synchronized void refresh() {
        if (closed) return;
        try {
            Instant now = clock.instant();
            if (backend.stat(name).isEmpty()) {
                lost = true;
                return;
            }
            body.put("refreshed", now.toString());
            backend.save(name, ContentSource.ofBytes(Json.MAPPER.writeValueAsBytes(body)));
            lastRefresh = now;
        } catch (IOException | RuntimeException e) {
            // retried at the next refresh; checkValid tells whether it went on too long
        }
    }

    /** Fails unless the lock still exists and was refreshed within the stale limit. */
    public void checkValid() throws IOException {
        if (lost || backend.stat(name).isEmpty() || lastRefresh.plus(staleAfter).isBefore(clock.instant())) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "lost the repository lock " + name,
                    "Another process may have removed it as stale (was this machine suspended?); run the operation again.");
        }
    }

    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        refresher.cancel(false);
        try {
            backend.delete(name);
        } catch (IOException e) {
            // a leftover lock becomes stale on its own
        }
    }

    @Override
    public String toString() {
        return "RepositoryLock[" + name + "]";
    }
}
