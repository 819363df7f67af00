package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.RepoInitRequest;
import io.lifeboat.api.RepoInitResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat repo init}: creates an encrypted repository and writes its secret key file and
 * writer key file (never over existing files).
 */
@Command(
        name = "init",
        description = {
            "Create an encrypted repository and its key files.",
            "Two key files are written: the secret key (full access: restore, verify, prune) and the "
                    + "writer key (backups only, for backup machines). Keep the secret key off the backup machine "
                    + "and keep a copy of it somewhere safe: without it the repository cannot be read, by anyone.",
            "--key and --writer-key name the files to write (default: lifeboat-<id>.key and "
                    + "lifeboat-<id>.writer-key in the current directory); $LIFEBOAT_KEY_PASSPHRASE, if set, "
                    + "protects the secret key file. With --recipient, data is sealed to existing public keys and "
                    + "no secret key is made."
        })
final class RepoInitCommand implements Callable<Integer> {

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Option(
            names = "--recipient",
            paramLabel = "PUBLIC_KEY",
            description = "Seal data to this public key (lbpub1…) instead of a new secret key (repeatable).")
    List<String> recipients = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        RepoInitRequest request =
                new RepoInitRequest(recipients, repository.key, repository.writerKey, RepositoryOptions.passphrase());
        RepoInitResult result;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            result = lifeboat.repoInit(request, SnapshotsCommand.quiet());
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        else if (out.human()) print(System.out, result);
        return ExitCode.OK;
    }

    private static void print(PrintStream o, RepoInitResult r) {
        boolean newSecret = r.secretKey() != null;
        o.printf("created repository %s at %s%n", r.repository(), r.location());
        o.printf("  data sealed to  %s%n", String.join(", ", r.recipients()));
        if (newSecret) o.printf("  secret key      %s  (full access: restore, verify, prune)%n", r.secretKey());
        o.printf("  writer key      %s  (backups only: give this one to backup machines)%n", r.writerKey());
        if (newSecret) {
            o.println();
            o.println("Keep a copy of the secret key somewhere safe and off the backup machine. If it is lost,");
            o.println("the repository cannot be read by anyone: there is no recovery and no back door.");
        }
    }
}
