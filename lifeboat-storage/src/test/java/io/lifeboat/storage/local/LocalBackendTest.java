package io.lifeboat.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.BackendContractTest;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.testing.FailingContent;
import io.lifeboat.storage.testing.GeneratedContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LocalBackendTest extends BackendContractTest {
    @TempDir
    Path temp;

    private Path root;

    @Override
    protected Backend newBackend(String id) {
        root = temp.resolve(id).resolve("repo");
        return new LocalBackend(root);
    }

    @Test
    void objectsAreFilesUnderTheRoot() throws IOException {
        backend.save("data/ab/abc", ContentSource.ofBytes(new byte[] {1, 2, 3}));

        assertThat(Files.readAllBytes(root.resolve("data/ab/abc"))).containsExactly(1, 2, 3);
        assertThat(backend.location()).isEqualTo("local:" + root.toAbsolutePath());
    }

    @Test
    void noTemporaryFileRemainsAfterSuccessOrFailure() throws IOException {
        backend.save("data/a", new GeneratedContent(1, 10_000));
        assertThatThrownBy(() ->
                        backend.save("data/b", FailingContent.failingAfter(new GeneratedContent(2, 10_000), 5_000)))
                .isInstanceOf(IOException.class);

        assertThat(filesUnder(root)).containsExactly("data/a");
    }

    @Test
    void temporaryFilesOfAKilledWriterAreNotListed() throws IOException {
        backend.save("data/a", new GeneratedContent(1, 100));
        Files.write(root.resolve("data/.tmp-0123456789abcdef"), new byte[50]);
        Files.write(root.resolve(".tmp-fedcba9876543210"), new byte[50]);

        assertThat(backend.list("")).containsExactly(new ObjectInfo("data/a", 100));
        assertThat(backend.list("data/")).containsExactly(new ObjectInfo("data/a", 100));
    }

    @Test
    void aDirectoryIsNotAnObject() throws IOException {
        Files.createDirectories(root.resolve("dir/sub"));

        assertThat(backend.stat("dir")).isEmpty();
        assertThat(backend.list("")).isEmpty();
        assertThatThrownBy(() -> backend.load("dir")).isInstanceOf(io.lifeboat.storage.ObjectNotFoundException.class);
    }

    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }
}
