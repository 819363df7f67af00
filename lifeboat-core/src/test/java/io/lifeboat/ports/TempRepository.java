package io.lifeboat.ports;

import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.storage.local.LocalBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A new repository in a temporary directory for each test, closed and removed after the test's own
 * {@code @AfterEach} methods ran. Register it with {@code @RegisterExtension}.
 */
final class TempRepository implements BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private Repository repo;

    Repository repo() {
        return repo;
    }

    /** The directory the repository's objects are in. */
    Path root() {
        return dir.resolve("repo");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("lifeboat-contract-");
        repo = Repository.init(new LocalBackend(root()), SecretKey.generate(), Repository.Options.defaults());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        repo.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
