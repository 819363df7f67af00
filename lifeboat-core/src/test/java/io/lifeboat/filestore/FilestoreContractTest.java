package io.lifeboat.filestore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link Filestore} promises. A test of an implementation extends this class and
 * returns fresh, empty filestores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FilestoreContractTest {
    protected static final byte[] ALPHA = "alpha\n".getBytes(UTF_8);
    protected static final byte[] BRAVO = "bravo, a little longer\n".getBytes(UTF_8);

    protected Filestore store;
    protected Filestore area;

    /** A new, empty filestore; {@code id} is unique per test. */
    protected abstract Filestore newFilestore(String id) throws Exception;

    /** A new, empty quarantine area for {@link #store}. */
    protected abstract Filestore newQuarantineArea(String id) throws Exception;

    /** Stores {@code content} under {@code name} as is, bypassing every check (a damaged or foreign file). */
    protected abstract void plant(String name, byte[] content) throws Exception;

    @BeforeEach
    void open(TestInfo info) throws Exception {
        String id = info.getTestMethod().orElseThrow().getName() + "-" + Long.toHexString(System.nanoTime());
        store = newFilestore(id);
        area = newQuarantineArea(id);
    }

    @Test
    void putThenOpenRoundTrips() throws IOException {
        String name = name(ALPHA);

        assertThat(store.put(name, in(ALPHA))).isEqualTo(Filestore.Put.PLACED);

        assertThat(read(name)).isEqualTo(ALPHA);
        assertThat(store.stat(name)).contains(new Filestore.Entry(name, Filestore.Entry.Kind.FILE, ALPHA.length, null));
        assertThat(store.hash(name)).isEqualTo(new Filestore.Digest(sha1(ALPHA), ALPHA.length));
        assertThat(store.exists()).isTrue();
    }

    @Test
    void anEmptyFileRoundTrips() throws IOException {
        String name = name(new byte[0]);

        store.put(name, in(new byte[0]));

        assertThat(read(name)).isEmpty();
        assertThat(store.stat(name).orElseThrow().size()).isZero();
    }

    @Test
    void putOfContentNotMatchingTheNameIsRefusedAndLeavesNothing() throws IOException {
        String name = name(ALPHA);

        assertThatThrownBy(() -> store.put(name, in(BRAVO)))
                .isInstanceOfSatisfying(ContentMismatchException.class, e -> {
                    assertThat(e.actual()).isEqualTo(sha1(BRAVO));
                    assertThat(e.name()).isEqualTo(name);
                });

        assertThat(store.stat(name)).isEmpty();
        assertThat(files()).isEmpty();
        assertThat(store.list()).noneMatch(e -> e.kind() == Filestore.Entry.Kind.STRAY);
    }

    @Test
    void putWhoseContentFailsLeavesNothing() throws IOException {
        String name = name(BRAVO);
        InputStream failing = new InputStream() {
            private int left = 5;

            @Override
            public int read() throws IOException {
                if (left-- > 0) return 'b';
                throw new IOException("source broke");
            }
        };

        assertThatThrownBy(() -> store.put(name, failing))
                .isInstanceOf(IOException.class)
                .hasMessage("source broke");

        assertThat(store.stat(name)).isEmpty();
        assertThat(store.list())
                .noneMatch(
                        e -> e.kind() != Filestore.Entry.Kind.MARKER && e.name().contains(sha1(BRAVO)));
        store.put(name, in(BRAVO)); // and nothing stands in the way of the next attempt
        assertThat(read(name)).isEqualTo(BRAVO);
    }

    @Test
    void putOfIdenticalContentUnderAnExistingNameIsFine() throws IOException {
        String name = name(ALPHA);
        store.put(name, in(ALPHA));

        assertThat(store.put(name, in(ALPHA))).isEqualTo(Filestore.Put.PRESENT);

        assertThat(read(name)).isEqualTo(ALPHA);
        assertThat(files()).containsExactly(name);
    }

    @Test
    void putOfContentUnderANameHoldingOtherContentIsRefused() throws Exception {
        String name = name(ALPHA);
        plant(name, BRAVO);

        assertThatThrownBy(() -> store.put(name, in(ALPHA))).isInstanceOf(FileConflictException.class);

        assertThat(read(name)).isEqualTo(BRAVO);
        assertThat(files()).containsExactly(name);
    }

    @Test
    void statAndOpenOfAMissingFile() {
        String name = name(ALPHA);

        assertThatThrownBy(() -> store.stat(name).orElseThrow()).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> store.open(name)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.hash(name)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void listNamesEveryFileWithItsSize() throws IOException {
        store.put(name(ALPHA), in(ALPHA));
        store.put(name(BRAVO), in(BRAVO));

        assertThat(store.list())
                .containsExactlyInAnyOrder(
                        new Filestore.Entry(name(ALPHA), Filestore.Entry.Kind.FILE, ALPHA.length, null),
                        new Filestore.Entry(name(BRAVO), Filestore.Entry.Kind.FILE, BRAVO.length, null));
        assertThat(store.root().directories())
                .containsExactlyInAnyOrder(
                        name(ALPHA).substring(0, 2), name(BRAVO).substring(0, 2));
        assertThat(store.list(name(ALPHA).substring(0, 2)))
                .extracting(Filestore.Entry::name)
                .contains(name(ALPHA));
    }

    @Test
    void listOfEverythingIsTheRootAndEachDirectoryItNames() throws Exception {
        store.put(name(ALPHA), in(ALPHA));
        store.put(name(BRAVO), in(BRAVO));
        plant(name(ALPHA).substring(0, 2) + "/not-a-sha1", ALPHA);
        plant("stray-at-the-top", BRAVO);
        plant("checklist/" + name(BRAVO), new byte[0]);

        Filestore.Listing root = store.root();
        List<Filestore.Entry> walked = new java.util.ArrayList<>(root.entries());
        for (String directory : root.directories()) walked.addAll(store.list(directory));
        assertThat(store.list())
                .extracting(Filestore.Entry::name, Filestore.Entry::kind)
                .containsExactlyInAnyOrderElementsOf(walked.stream()
                        .map(e -> org.assertj.core.groups.Tuple.tuple(e.name(), e.kind()))
                        .toList());
    }

    @Test
    void listOfAnEmptyFilestoreIsEmpty() throws IOException {
        assertThat(store.list()).isEmpty();
    }

    @Test
    void quarantineMovesTheFileAsideAndBack() throws IOException {
        String name = name(ALPHA);
        String other = name(BRAVO);
        store.put(name, in(ALPHA));
        store.put(other, in(BRAVO));

        assertThat(store.quarantine(name, area)).isEqualTo(Filestore.Move.MOVED);
        store.sync();
        area.sync();

        assertThat(store.stat(name)).isEmpty();
        assertThat(files()).containsExactly(other);
        assertThat(area.stat(name)).isPresent();
        assertThat(store.quarantine(name, area)).isEqualTo(Filestore.Move.ABSENT);

        assertThat(store.unquarantine(name, area)).isEqualTo(Filestore.Move.MOVED);

        assertThat(read(name)).isEqualTo(ALPHA);
        assertThat(area.stat(name)).isEmpty();
        assertThat(store.unquarantine(name, area)).isEqualTo(Filestore.Move.ABSENT);
    }

    @Test
    void quarantineKeepsEvenContentThatDoesNotMatchItsName() throws Exception {
        String name = name(ALPHA);
        plant(name, BRAVO);

        assertThat(store.quarantine(name, area)).isEqualTo(Filestore.Move.MOVED);
        assertThat(store.unquarantine(name, area)).isEqualTo(Filestore.Move.MOVED);

        assertThat(read(name)).isEqualTo(BRAVO);
    }

    @Test
    void movingBackNeverOverwrites() throws IOException {
        String name = name(ALPHA);
        store.put(name, in(ALPHA));
        store.quarantine(name, area);
        store.put(name, in(ALPHA)); // the file came back meanwhile

        assertThat(store.unquarantine(name, area)).isEqualTo(Filestore.Move.PRESENT);

        assertThat(area.stat(name)).isPresent();
        assertThat(read(name)).isEqualTo(ALPHA);
    }

    static Stream<String> invalidNames() {
        String sha1 = sha1(ALPHA);
        return Stream.of(
                "../x",
                "../../etc/passwd",
                "/etc/passwd",
                "/" + sha1.substring(0, 2) + "/" + sha1,
                sha1.substring(0, 2) + "/../" + sha1,
                sha1,
                "ab/cd",
                "",
                sha1.substring(0, 2).toUpperCase() + "/" + sha1.toUpperCase(),
                (sha1.charAt(0) == '0' ? "11" : "00") + "/" + sha1,
                sha1.substring(0, 2) + "/" + sha1 + "/x",
                sha1.substring(0, 2) + "\\" + sha1,
                "checklist/" + sha1.substring(0, 2) + "/" + sha1);
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void namesOtherThanXxSlashSha1AreRefused(String name) {
        assertThatThrownBy(() -> store.put(name, in(ALPHA))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.stat(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.hash(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.quarantine(name, area)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.unquarantine(name, area)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullNameIsRefused() {
        assertThatThrownBy(() -> store.stat(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("invalidDirectories")
    void directoriesOtherThanTheListedKindsAreRefused(String directory) {
        assertThatThrownBy(() -> store.list(directory)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<String> invalidDirectories() {
        return Stream.of("..", "../x", "/etc", "ab/cd", "checklist", "checklist/..", "checklist/a/b", "AB", "");
    }

    // ---------------------------------------------------------------- helpers

    protected byte[] read(String name) throws IOException {
        try (InputStream in = store.open(name)) {
            return in.readAllBytes();
        }
    }

    protected List<String> files() throws IOException {
        return store.list().stream()
                .filter(e -> e.kind() == Filestore.Entry.Kind.FILE)
                .map(Filestore.Entry::name)
                .toList();
    }

    protected static InputStream in(byte[] content) {
        return new ByteArrayInputStream(content);
    }

    protected static String name(byte[] content) {
        String sha1 = sha1(content);
        return sha1.substring(0, 2) + "/" + sha1;
    }

    protected static String sha1(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
