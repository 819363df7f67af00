package io.lifeboat.api;

import java.util.List;

/**
 * Take a base backup of the instance's PostgreSQL cluster into the repository (writer key suffices).
 *
 * @param instance the instance name the snapshot is grouped under
 */
public record BaseBackupRequest(String instance, List<String> tags) {
    public BaseBackupRequest {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
