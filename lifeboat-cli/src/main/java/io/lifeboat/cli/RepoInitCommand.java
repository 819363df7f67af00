package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.repository.KeyFiles;
import io.lifeboat.repository.Recipient;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SecretKey;
import io.lifeboat.repository.WriterKey;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ObjectInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<Recipient> to = new ArrayList<>();
        for (String r : recipients) to.add(Recipient.parse(r));
        Path secretFile = repository.key;
        Path writerFile = repository.writerKey;
        if (!to.isEmpty() && secretFile != null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "--key and --recipient exclude each other",
                    "With --recipient the secret key already exists elsewhere; give only --writer-key.");
        }
        for (Path p : new Path[] {secretFile, writerFile}) {
            if (p != null && Files.exists(p)) {
                throw new LifeboatException(
                        Kind.CONFLICT,
                        "key file " + p + " already exists",
                        "Choose another path; an existing key file is never overwritten.");
            }
        }
        SecretKey secret = to.isEmpty() ? SecretKey.generate() : null;
        if (secret != null) to.add(secret.recipient());
        try (Backend backend = repository.backend()) {
            WriterKey writer = Repository.init(backend, to);
            String id = writer.repositoryId();
            String prefix = "lifeboat-" + id.substring(0, 8);
            if (secret != null && secretFile == null) secretFile = Path.of(prefix + ".key");
            if (writerFile == null) writerFile = Path.of(prefix + ".writer-key");
            try {
                if (secret != null) KeyFiles.writeSecretKey(secretFile, secret, id, RepositoryOptions.passphrase());
                KeyFiles.writeWriterKey(writerFile, writer);
            } catch (IOException | RuntimeException e) {
                undoInit(backend, secretFile, secret != null);
                throw e;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("repository", id);
            result.put("location", repository.displayLocation());
            result.put("recipients", to.stream().map(Recipient::encoded).toList());
            result.put(
                    "secretKey",
                    secret == null ? null : secretFile.toAbsolutePath().toString());
            result.put("writerKey", writerFile.toAbsolutePath().toString());
            if (out.json()) RepoJson.print(System.out, result);
            else if (out.human()) print(System.out, result, secret != null);
            return ExitCode.OK;
        }
    }

    /** Removes what init wrote, so a failed init leaves an empty location and no orphan key. */
    private static void undoInit(Backend backend, Path secretFile, boolean wroteSecret) {
        try {
            for (ObjectInfo o : backend.list("keys/")) backend.delete(o.name());
            backend.delete("config");
            if (wroteSecret && secretFile != null) Files.deleteIfExists(secretFile);
        } catch (IOException | RuntimeException e) {
            // the error that made init fail is the one to report
        }
    }

    private static void print(PrintStream o, Map<String, Object> r, boolean newSecret) {
        o.printf("created repository %s at %s%n", r.get("repository"), r.get("location"));
        o.printf("  data sealed to  %s%n", String.join(", ", castList(r.get("recipients"))));
        if (newSecret) o.printf("  secret key      %s  (full access: restore, verify, prune)%n", r.get("secretKey"));
        o.printf("  writer key      %s  (backups only: give this one to backup machines)%n", r.get("writerKey"));
        if (newSecret) {
            o.println();
            o.println("Keep a copy of the secret key somewhere safe and off the backup machine. If it is lost,");
            o.println("the repository cannot be read by anyone: there is no recovery and no back door.");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
