package io.lifeboat.pitr;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.api.Cancellation;
import io.lifeboat.postgres.WalFile;
import io.lifeboat.repository.Keys;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.WriterKey;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.local.LocalBackend;
import io.lifeboat.storage.testing.FaultyBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver interrupted at random points — storage failing before a save, after it (the answer
 * lost), while reading — never loses a spooled segment and never deletes one the repository does
 * not hold: after enough passes every segment is archived, byte for byte, and the spool is empty.
 */
class WalArchiverFaultTest {
    static final long SYS = 1234567890123L;

    @TempDir
    Path tmp;

    @Test
    void randomFailuresLoseNothingAndClaimNothing() throws Exception {
        SecretKey key = SecretKey.generate();
        LocalBackend local = new LocalBackend(Files.createDirectories(tmp.resolve("repo")));
        WriterKey writer = Repository.init(local, List.of(key.recipient()));
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Path sys = Files.createDirectories(spool.resolve(Long.toString(SYS)));
        int count = 12;
        for (int s = 1; s <= count; s++)
            WalFixtures.write(sys, WalFile.segmentName(1, s), WalFixtures.segment(SYS, 1, s, s));

        FaultyBackend faulty = new FaultyBackend(local, d -> {}).randomly(0.25, 42);
        Backend lostAnswers = new LosesAnswers(faulty, new Random(7), 0.25);
        int passes = 0;
        try (Repository w = Repository.open(lostAnswers, Keys.writer(writer))) {
            WalArchiver a = new WalArchiver(w.wal(), spool, null, 2, Clock.systemUTC(), m -> {});
            while (true) {
                passes++;
                // every file still in the spool is one the repository may not hold yet: never deleted early
                WalArchiver.Totals t = a.run(true, Duration.ZERO, Cancellation.none());
                if (t.waiting() == 0) break;
                assertThat(passes).as("passes").isLessThan(200);
            }
            assertThat(a.totals().rejected()).isZero();
            assertThat(a.totals().errors()).isPositive(); // the faults did happen
        }
        assertThat(faulty.injected()).isPositive();
        try (Repository r = Repository.open(local, Keys.secret(key))) {
            for (int s = 1; s <= count; s++) {
                assertThat(r.wal().read(Long.toString(SYS), WalFile.segmentName(1, s)))
                        .isEqualTo(WalFixtures.segment(SYS, 1, s, s));
            }
        }
        try (var left = Files.list(sys)) {
            assertThat(left).isEmpty();
        }
    }

    /** Saves, then sometimes throws as if the answer had been lost on the way back. */
    private record LosesAnswers(Backend delegate, Random random, double probability) implements Backend {
        @Override
        public String location() {
            return delegate.location();
        }

        @Override
        public void save(String name, ContentSource source) throws IOException {
            delegate.save(name, source);
            boolean lose;
            synchronized (random) {
                lose = random.nextDouble() < probability;
            }
            if (lose) throw new IOException("connection reset after the save");
        }

        @Override
        public InputStream load(String name, long offset, long length) throws IOException {
            return delegate.load(name, offset, length);
        }

        @Override
        public Optional<ObjectInfo> stat(String name) throws IOException {
            return delegate.stat(name);
        }

        @Override
        public List<ObjectInfo> list(String prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String name) throws IOException {
            delegate.delete(name);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
