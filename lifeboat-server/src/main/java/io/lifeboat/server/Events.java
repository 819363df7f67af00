package io.lifeboat.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * The event stream behind {@code /api/v1/events/stream}: events are rows of the catalog with an increasing
 * id, so a subscriber on any worker sees the events of every worker, and a reconnecting subscriber resumes
 * after the last id it saw ({@code Last-Event-ID}).
 */
public final class Events {
    private final Catalog catalog;
    private final ObjectMapper json;

    public Events(Catalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    public record Event(long id, long at, String type, String projectId, String environmentId, String data) {}

    public void publish(String type, String projectId, String environmentId, Map<String, ?> data) {
        String text;
        try {
            text = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        catalog.update(
                "insert into events (at, type, project_id, environment_id, data) values (?, ?, ?, ?, ?)",
                System.currentTimeMillis(),
                type,
                projectId,
                environmentId,
                text);
    }

    /** Events after an id, oldest first. */
    public List<Event> after(long id, int limit) {
        return catalog
                .rows(
                        "select id, at, type, project_id, environment_id, data from events where id > ? order by id limit ?",
                        id,
                        limit)
                .stream()
                .map(r -> new Event(
                        Catalog.num(r, "id"),
                        Catalog.num(r, "at"),
                        Catalog.str(r, "type"),
                        Catalog.str(r, "project_id"),
                        Catalog.str(r, "environment_id"),
                        Catalog.str(r, "data")))
                .toList();
    }

    public long lastId() {
        return catalog.count("select coalesce(max(id), 0) from events");
    }
}
