package io.lifeboat.repair;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.Filestores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Filestore files found in a directory tree; see {@link ContentProvider#directory(Path)}. */
final class DirectoryContentProvider implements ContentProvider {
    private final Path root;
    private final List<Path> filestores;

    DirectoryContentProvider(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "repair source " + root + " is not a directory",
                    "Give a filestore directory, an extracted Odoo backup or a data directory.");
        }
        this.root = root;
        List<Path> found = new ArrayList<>();
        found.add(root);
        // an extracted Odoo zip keeps its files in filestore/, a data directory its databases' filestores
        Path nested = Filestores.root(root);
        if (Files.isDirectory(nested)) {
            found.add(nested);
            try (DirectoryStream<Path> dbs = Files.newDirectoryStream(nested, Files::isDirectory)) {
                for (Path db : dbs) {
                    if (!Repairs.isBucketName(db.getFileName().toString())) found.add(db);
                }
            }
        }
        this.filestores = List.copyOf(found);
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    @Override
    public Optional<InputStream> open(String sha1) throws IOException {
        Path p = find(sha1);
        return p == null ? Optional.empty() : Optional.of(Files.newInputStream(p));
    }

    @Override
    public boolean contains(String sha1) {
        return find(sha1) != null;
    }

    private Path find(String sha1) {
        Repairs.requireSha1(sha1);
        for (Path fs : filestores) {
            Path p = fs.resolve(sha1.substring(0, 2)).resolve(sha1);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
