package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.RepoWriterKeyRequest;
import io.lifeboat.api.RepoWriterKeyResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat repo writer-key}: writes a new writer key file from the secret key. */
@Command(
        name = "writer-key",
        description = {
            "Write a writer key file for backup machines, for example to replace a lost one.",
            "Needs the secret key."
        })
final class RepoWriterKeyCommand implements Callable<Integer> {

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            required = true,
            description = "File to write (never overwritten).")
    Path output;

    @Override
    public Integer call() throws Exception {
        RepoWriterKeyResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            r = lifeboat.repoWriterKey(new RepoWriterKeyRequest(output), SnapshotsCommand.quiet());
        }
        if (out.json()) OutputOptions.printJson(System.out, r);
        else if (out.human()) System.out.printf("wrote writer key %s%n", r.writerKey());
        return ExitCode.OK;
    }
}
