package io.lifeboat.repair;

import io.lifeboat.odoozip.FilestoreEntry;
import io.lifeboat.odoozip.OdooArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Filestore files of an Odoo backup zip; see {@link ContentProvider#zip(Path)}. */
final class ZipContentProvider implements ContentProvider {
    private final OdooArchive archive;
    private final Map<String, FilestoreEntry> bySha1 = new HashMap<>();

    ZipContentProvider(Path zip) throws IOException {
        this.archive = OdooArchive.open(zip);
        for (FilestoreEntry e : archive.filestoreEntries()) {
            if (!e.checklist()) bySha1.putIfAbsent(e.sha1(), e);
        }
    }

    @Override
    public String describe() {
        return "zip " + archive.path();
    }

    @Override
    public Optional<InputStream> open(String sha1) throws IOException {
        FilestoreEntry e = bySha1.get(sha1);
        return e == null ? Optional.empty() : Optional.of(archive.open(e));
    }

    @Override
    public boolean contains(String sha1) {
        return bySha1.containsKey(sha1);
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }
}
