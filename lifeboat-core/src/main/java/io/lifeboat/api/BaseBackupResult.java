package io.lifeboat.api;

import io.lifeboat.repository.SnapshotInfo;

public record BaseBackupResult(
        String snapshot, SnapshotInfo.BaseBackupInfo wal, long bytes, long storedNew, double seconds) {}
