package io.lifeboat.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLedgerTest {

    @TempDir
    Path dataDir;

    @Test
    void anInterruptionUndoesWhatTheRunHoldsAndTheRunsOwnCleanupWritesNoLedgerAgain() throws Exception {
        Path partial = Files.writeString(dataDir.resolve(".x.partial"), "data");
        RunLedger ledger = RunLedger.begin(dataDir, "test-1", "test");
        RunLedger.Resource r = ledger.addFile(partial);
        assertThat(RunLedger.read(dataDir))
                .singleElement()
                .satisfies(rec -> assertThat(rec.resources()).containsExactly(r));

        assertThat(ledger.abort()).isEqualTo(1); // the interruption, from the shutdown hook
        assertThat(partial).doesNotExist();
        assertThatThrownBy(ledger::checkCancelled).isInstanceOf(LifeboatException.class);

        // the run's own failure path goes on afterwards on its thread
        ledger.release(r);
        ledger.abort();
        ledger.close();
        try (Stream<Path> s = Files.list(RunLedger.runsDir(dataDir))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void whatCouldNotBeUndoneStaysInTheLedgerForTheNextRun() {
        RunLedger ledger = RunLedger.begin(dataDir, "test-2", "test");
        ledger.add(RunLedger.Resource.database("x_lbnew_00000000"), () -> {
            throw new IllegalStateException("server gone");
        });
        assertThat(ledger.abort()).isZero();
        assertThat(RunLedger.read(dataDir))
                .singleElement()
                .satisfies(rec -> assertThat(rec.resources())
                        .extracting(RunLedger.Resource::name)
                        .containsExactly("x_lbnew_00000000"));
    }
}
