package io.lifeboat.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the API and the jobs of one worker share. */
final class Services {
    final ServerConfig config;
    final Catalog catalog;
    final ObjectMapper json;
    final AuditLog audit;
    final Events events;
    final Accounts accounts;
    final Platform platform;
    final BackupStore store;
    final Running running;
    final Notifications notifications;
    private final Map<String, Lifeboat> facades = new ConcurrentHashMap<>();

    Services(ServerConfig config, Catalog catalog, ObjectMapper json, BackupStore store) {
        this.config = config;
        this.catalog = catalog;
        this.json = json;
        this.store = store;
        this.audit = new AuditLog(catalog, json);
        this.events = new Events(catalog, json);
        this.accounts = new Accounts(catalog);
        this.platform = new Platform(catalog, audit);
        this.running = new Running(events, catalog);
        this.notifications = new Notifications(config, catalog, json);
    }

    /** The core, opened on one instance of this server's configuration. */
    Lifeboat lifeboat(String instance) {
        return facades.computeIfAbsent(instance, name -> {
            InstanceSettings s = config.instances().get(name);
            if (s == null) {
                throw new LifeboatException(
                        LifeboatException.Kind.USAGE,
                        "this server (" + config.serverName() + ") has no instance named '" + name + "'",
                        "Add it under instances: in the server configuration.");
            }
            return Lifeboat.open(LifeboatSettings.of(s, System.getenv()));
        });
    }

    String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
