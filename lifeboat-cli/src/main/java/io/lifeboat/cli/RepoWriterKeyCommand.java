package io.lifeboat.cli;

import io.lifeboat.repository.KeyFiles;
import java.nio.file.Path;
import java.util.Map;
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
        try (RepositoryOptions.Opened o = repository.open(true)) {
            KeyFiles.writeWriterKey(output, o.repo().writerKey());
            String path = output.toAbsolutePath().toString();
            if (out.json()) RepoJson.print(System.out, Map.of("writerKey", path));
            else if (out.human()) System.out.printf("wrote writer key %s%n", path);
            return ExitCode.OK;
        }
    }
}
