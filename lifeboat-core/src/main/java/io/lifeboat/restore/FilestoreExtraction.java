package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.filestore.ContentMismatchException;
import io.lifeboat.filestore.Filestore;
import io.lifeboat.odoo.StoreFname;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.progress.Progress;
import io.lifeboat.runs.RunLedger;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The filestore half of a restore: copies every file of the source into the (temporary) filestore with
 * {@link Filestore#put}, so each file is verified against its SHA-1 before it gets its name. A file whose
 * content does not match its name is left out, counted as corrupt and warned about.
 */
final class FilestoreExtraction {
    private final RestoreSource source;
    private final Filestore into;
    private final int workers;
    private final RunLedger ledger;
    private final Progress progress;
    private final RestoreReport report;

    /**
     * @param jobs parallel jobs asked for (at most 4 workers copy files)
     * @param ledger the run's ledger, asked before each file whether the run was cancelled
     */
    FilestoreExtraction(
            RestoreSource source, Filestore into, int jobs, RunLedger ledger, Progress progress, RestoreReport report) {
        this.source = source;
        this.into = into;
        this.workers = Math.max(1, Math.min(jobs, 4));
        this.ledger = ledger;
        this.progress = progress;
        this.report = report;
    }

    /** Copies the files; sets the report's file count and bytes. */
    void run() throws IOException {
        List<RestoreSource.FileRef> files = source.files();
        progress.phase("restore filestore", files.size(), "files");
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "lifeboat-filestore");
            t.setDaemon(true);
            return t;
        });
        AtomicLong bytes = new AtomicLong();
        AtomicLong count = new AtomicLong();
        List<Future<?>> results = new ArrayList<>();
        try {
            int chunk = Math.max(1, files.size() / (workers * 8) + 1);
            for (int i = 0; i < files.size(); i += chunk) {
                List<RestoreSource.FileRef> part = files.subList(i, Math.min(files.size(), i + chunk));
                results.add(pool.submit(() -> {
                    for (RestoreSource.FileRef f : part) {
                        if (place(f)) {
                            bytes.addAndGet(f.size());
                            count.incrementAndGet();
                        }
                        progress.advance(1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) RestoreEngine.await(f);
        } finally {
            pool.shutdownNow();
        }
        report.files = count.get();
        report.fileBytes = bytes.get();
    }

    /** Places one file; false when its content does not match its name (it is then left out). */
    private boolean place(RestoreSource.FileRef f) throws IOException {
        ledger.checkCancelled();
        StoreFname name = StoreFname.parse(f.relative())
                .orElseThrow(() ->
                        new LifeboatException(Kind.BAD_INPUT, "unsafe filestore name in source: " + f.relative()));
        try (InputStream in = source.openForFilestore(f)) { // put() checks the SHA-1
            into.put(name.relative(), in);
            return true;
        } catch (ContentMismatchException e) {
            synchronized (report) {
                report.verification.corruptFiles++;
                String message = RestoreReport.CORRUPT_IN_SOURCE + name.relative();
                report.warnings.add(message);
                progress.warn(message);
            }
            return false;
        }
    }
}
