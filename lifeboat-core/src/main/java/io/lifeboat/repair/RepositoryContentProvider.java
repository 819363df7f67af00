package io.lifeboat.repair;

import io.lifeboat.repository.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Filestore files of every snapshot of a repository; see {@link ContentProvider#repository}. */
final class RepositoryContentProvider implements ContentProvider {
    private final Repository repository;

    RepositoryContentProvider(Repository repository) {
        this.repository = repository;
    }

    @Override
    public String describe() {
        return "repository " + repository.location();
    }

    @Override
    public Optional<InputStream> open(String sha1) throws IOException {
        Repairs.requireSha1(sha1);
        return repository.findFileBySha1(sha1);
    }
}
