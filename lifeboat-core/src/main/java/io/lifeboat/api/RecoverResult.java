package io.lifeboat.api;

import java.util.List;

/**
 * A side copy recovered at its target and left running (see docs/json.md, {@code recover}).
 *
 * @param filestore with {@code filestoreOf}: what was placed; else null
 */
public record RecoverResult(
        String baseBackup,
        String systemId,
        String dataDir,
        String host,
        int port,
        String socketDir,
        boolean reached,
        String stop,
        String lastReplayed,
        String state,
        int walFetched,
        List<String> warnings,
        double seconds,
        Filestore filestore) {

    /** Files the recovered database references: how many, placed, already there, and the missing ones. */
    public record Filestore(int referenced, int placed, int alreadyThere, List<String> missing) {}
}
