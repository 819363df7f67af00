package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

final class StorageErrorsTest {

    @Test
    void networkFailuresAreTransient() {
        assertThat(StorageErrors.isTransient(new IOException("connection reset")))
                .isTrue();
        assertThat(StorageErrors.isTransient(new SocketTimeoutException("read timed out")))
                .isTrue();
        assertThat(StorageErrors.isTransient(new ConnectException("refused"))).isTrue();
    }

    @Test
    void failuresThatRepeatingCannotFixAreNot() {
        assertThat(StorageErrors.isTransient(new ObjectNotFoundException("x"))).isFalse();
        assertThat(StorageErrors.isTransient(new PermanentStorageException("denied")))
                .isFalse();
        assertThat(StorageErrors.isTransient(new InterruptedIOException())).isFalse();
        assertThat(StorageErrors.isTransient(new AccessDeniedException("/x"))).isFalse();
        assertThat(StorageErrors.isTransient(new FileSystemException("/x", null, "No space left on device")))
                .isFalse();
        assertThat(StorageErrors.isTransient(new IllegalArgumentException("bad name")))
                .isFalse();
        assertThat(StorageErrors.isTransient(new IllegalStateException("bug"))).isFalse();
        assertThat(StorageErrors.isNotFound(new ObjectNotFoundException("x"))).isTrue();
    }

    @Test
    void permanentErrorMessagesAreRedacted() {
        assertThat(new PermanentStorageException("login to sftp://u:pw123@h failed").getMessage())
                .isEqualTo("login to sftp://u:***@h failed");
    }
}
