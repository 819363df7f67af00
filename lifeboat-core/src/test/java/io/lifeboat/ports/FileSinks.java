package io.lifeboat.ports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The files a file sink's test directory holds: committed backups, and anything else. */
final class FileSinks {
    private FileSinks() {}

    /** Regular files whose name does not start with a dot: what a user sees as backups, by name. */
    static List<Path> backups(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    /** Fails if {@code dir} holds anything but committed backups (a partial file, say). */
    static void assertOnlyBackups(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .as("files in " + dir)
                    .allSatisfy(name -> assertThat(name).doesNotStartWith("."));
        }
    }
}
