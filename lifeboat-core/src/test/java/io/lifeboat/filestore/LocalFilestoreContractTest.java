package io.lifeboat.filestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A filestore directory, with what only a directory can hold: strays, symbolic links, left-over temporary files. */
final class LocalFilestoreContractTest extends FilestoreContractTest {
    @TempDir
    Path temp;

    private Path root;

    @Override
    protected Filestore newFilestore(String id) throws Exception {
        root = Files.createDirectories(temp.resolve(id).resolve("data/filestore/db"));
        return new LocalFilestore(root);
    }

    @Override
    protected Filestore newQuarantineArea(String id) throws Exception {
        return new LocalFilestore(Files.createDirectories(temp.resolve(id).resolve("data/filestore-quarantine/db/q")));
    }

    @Override
    protected void plant(String name, byte[] content) throws Exception {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    @Test
    void filesAreXxSlashSha1UnderTheDirectory() throws Exception {
        store.put(name(ALPHA), in(ALPHA));

        assertThat(root.resolve(name(ALPHA))).hasBinaryContent(ALPHA);
        assertThat(((LocalFilestore) store).path(name(ALPHA))).isEqualTo(root.resolve(name(ALPHA)));
        assertThat(store.location()).isEqualTo(root.toString());
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile)).containsExactly(root.resolve(name(ALPHA)));
        }
    }

    @Test
    void whatIsNotAnOdooFileIsListedAsAStrayAndMarkersAsMarkers() throws Exception {
        String sha1 = sha1(ALPHA);
        store.put(name(ALPHA), in(ALPHA));
        Files.writeString(root.resolve("README"), "hello");
        Files.writeString(root.resolve(sha1.substring(0, 2)).resolve("notes.txt"), "x");
        Path link = root.resolve(name(BRAVO));
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of("/etc/hostname"));
        Files.createDirectories(root.resolve("checklist").resolve(sha1.substring(0, 2)));
        Files.writeString(root.resolve("checklist").resolve(name(ALPHA)), "");
        Files.writeString(root.resolve("checklist/loose"), "");

        assertThat(store.list())
                .extracting(Filestore.Entry::name, Filestore.Entry::kind, Filestore.Entry::note)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(name(ALPHA), Filestore.Entry.Kind.FILE, null),
                        org.assertj.core.groups.Tuple.tuple(
                                "README", Filestore.Entry.Kind.STRAY, "unexpected entry in the filestore root"),
                        org.assertj.core.groups.Tuple.tuple(
                                sha1.substring(0, 2) + "/notes.txt",
                                Filestore.Entry.Kind.STRAY,
                                "name is not the SHA-1 of a file in this directory"),
                        org.assertj.core.groups.Tuple.tuple(
                                name(BRAVO), Filestore.Entry.Kind.STRAY, "symbolic link (never followed)"),
                        org.assertj.core.groups.Tuple.tuple(
                                "checklist/" + name(ALPHA), Filestore.Entry.Kind.MARKER, null),
                        org.assertj.core.groups.Tuple.tuple("checklist/loose", Filestore.Entry.Kind.MARKER, null));
        assertThat(store.stat(name(BRAVO))).isEmpty(); // a symbolic link is not a file
        assertThatThrownBy(() -> store.open(name(BRAVO))).isInstanceOf(java.nio.file.FileSystemException.class);
    }

    @Test
    void aSymbolicLinkWhereTheDirectoryBelongsIsNeverWrittenThrough() throws Exception {
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve(name(ALPHA).substring(0, 2)), elsewhere);

        assertThatThrownBy(() -> store.put(name(ALPHA), in(ALPHA))).isInstanceOf(NotDirectoryException.class);

        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void aPutRemovesTemporaryFilesAnInterruptedRunLeftForItsSha1() throws Exception {
        String sha1 = sha1(ALPHA);
        Path bucket = Files.createDirectories(root.resolve(sha1.substring(0, 2)));
        Path stale = Files.writeString(bucket.resolve(".lifeboat-" + sha1 + ".123.tmp"), "half");
        Path otherStale = Files.writeString(bucket.resolve(".lifeboat-" + sha1(BRAVO) + ".123.tmp"), "half");

        store.put(name(ALPHA), in(ALPHA));

        assertThat(stale).doesNotExist();
        assertThat(otherStale).exists(); // another file's: left for its own put
    }

    @Test
    void deferredSyncAndOwnershipKeepTheSameContract() throws Exception {
        LocalFilestore relaxed = new LocalFilestore(root).withDeferredSync().withOwnershipOfRoot();

        assertThat(relaxed.put(name(ALPHA), in(ALPHA))).isEqualTo(Filestore.Put.PLACED);
        assertThatThrownBy(() -> relaxed.put(name(BRAVO), in(ALPHA))).isInstanceOf(ContentMismatchException.class);
        relaxed.sync();

        assertThat(files()).isEqualTo(List.of(name(ALPHA)));
        assertThat(Files.getPosixFilePermissions(root.resolve(name(ALPHA))))
                .noneMatch(p -> p.name().endsWith("EXECUTE"));
    }

    @Test
    void aMissingDirectoryDoesNotExistAndListsNothing() throws Exception {
        LocalFilestore missing = new LocalFilestore(temp.resolve("nowhere"));

        assertThat(missing.exists()).isFalse();
        assertThat(missing.list()).isEmpty();
    }

    @Test
    void quarantineIntoAnotherKindOfFilestoreIsRefused() {
        Filestore backend = new BackendFilestore(new io.lifeboat.storage.testing.MemoryBackend(), "q");

        assertThatThrownBy(() -> store.quarantine(name(ALPHA), backend)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filestoresFollowOdoosDataDirRule() {
        Path dataDir = Path.of("/var/lib/odoo");

        assertThat(Filestores.directory(dataDir, "prod")).isEqualTo(Path.of("/var/lib/odoo/filestore/prod"));
        assertThat(Filestores.of(dataDir, "prod").directory()).isEqualTo(Path.of("/var/lib/odoo/filestore/prod"));
        assertThat(Filestores.root(dataDir)).isEqualTo(Path.of("/var/lib/odoo/filestore"));
        assertThat(Filestores.isDirectoryOf(Path.of("/var/lib/odoo/filestore/prod"), "prod"))
                .isTrue();
        assertThat(Filestores.isDirectoryOf(Path.of("/var/lib/odoo/filestore/prod/../x"), "x"))
                .isFalse();
        assertThat(Filestores.isDirectoryOf(Path.of("/var/lib/odoo/other/prod"), "prod"))
                .isFalse();
        for (String bad : List.of("", "..", ".", "a/b")) {
            assertThatThrownBy(() -> Filestores.directory(dataDir, bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
