package io.lifeboat.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Odoo databases of an instance, as Odoo lists them: the {@code databases --json} object.
 *
 * @param connection the PostgreSQL server, as {@code user@host:port}
 * @param dataDir Odoo's data_dir
 * @param databases each database's filestore directory, in Odoo's order
 */
public record DatabasesResult(
        String connection, @JsonProperty("data_dir") String dataDir, Map<String, String> databases) {

    public DatabasesResult {
        databases = databases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(databases));
    }
}
