package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads and writes key files (format §6 of docs/repository-format.md). Files are created with mode
 * 0600 through a temporary name and an atomic rename; an existing key file is never overwritten.
 */
public final class KeyFiles {
    static final int ITERATIONS = 600_000;

    private KeyFiles() {}

    /** Writes {@code key}, protected by {@code passphrase} when it is not null or empty. */
    public static void writeSecretKey(Path file, SecretKey key, String repositoryId, char[] passphrase)
            throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "lifeboat-secret-key").put("version", 1);
        if (repositoryId != null) n.put("repository", repositoryId);
        n.put("recipient", key.recipient().encoded());
        if (passphrase == null || passphrase.length == 0) {
            n.put("key", Base64.getEncoder().encodeToString(key.scalar()));
        } else {
            byte[] salt = Crypto.random(16);
            n.putObject("kdf")
                    .put("name", "PBKDF2WithHmacSHA256")
                    .put("iterations", ITERATIONS)
                    .put("salt", Base64.getEncoder().encodeToString(salt));
            byte[] wrap = pbkdf2(passphrase, salt, ITERATIONS);
            n.put("sealed", Base64.getEncoder().encodeToString(Crypto.seal(wrap, key.scalar(), null)));
        }
        writeNew(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }

    /** Reads a secret key; {@code passphrase} is needed when the file is protected (else may be null). */
    public static SecretKey readSecretKey(Path file, char[] passphrase) throws IOException {
        return readSecretKeyAsking(file, () -> passphrase);
    }

    /**
     * Reads a secret key, asking {@code passphrase} only when the file is protected (it may prompt, or
     * throw when there is no way to get one).
     */
    public static SecretKey readSecretKeyAsking(Path file, java.util.function.Supplier<char[]> passphrases)
            throws IOException {
        JsonNode n = read(file, "lifeboat-secret-key");
        SecretKey key;
        if (n.hasNonNull("key")) {
            key = new SecretKey(decode(n.path("key").asText(), file));
        } else {
            char[] passphrase = passphrases.get();
            if (passphrase == null || passphrase.length == 0) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "secret key file " + file + " is protected by a passphrase",
                        "Give the passphrase for this key file.");
            }
            JsonNode kdf = n.path("kdf");
            if (!"PBKDF2WithHmacSHA256".equals(kdf.path("name").asText())) throw malformed(file, null);
            byte[] wrap = pbkdf2(
                    passphrase,
                    decode(kdf.path("salt").asText(), file),
                    kdf.path("iterations").asInt(ITERATIONS));
            try {
                key = new SecretKey(Crypto.open(wrap, decode(n.path("sealed").asText(), file), null));
            } catch (AEADBadTagException e) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "wrong passphrase for secret key file " + file,
                        "Check the passphrase; the key cannot be recovered without it.");
            }
        }
        if (n.hasNonNull("recipient")
                && !n.path("recipient").asText().equals(key.recipient().encoded())) {
            throw malformed(file, null);
        }
        return key;
    }

    public static void writeWriterKey(Path file, WriterKey key) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "lifeboat-writer-key").put("version", 1).put("repository", key.repositoryId());
        var arr = n.putArray("recipients");
        for (Recipient r : key.recipients()) arr.add(r.encoded());
        n.put("writeSecret", Base64.getEncoder().encodeToString(key.writeSecret()));
        writeNew(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }

    public static WriterKey readWriterKey(Path file) throws IOException {
        JsonNode n = read(file, "lifeboat-writer-key");
        List<Recipient> recipients = new ArrayList<>();
        for (JsonNode r : n.path("recipients")) recipients.add(Recipient.parse(r.asText()));
        byte[] secret = decode(n.path("writeSecret").asText(), file);
        if (recipients.isEmpty() || secret.length != 32 || !n.hasNonNull("repository")) throw malformed(file, null);
        return new WriterKey(n.path("repository").asText(), recipients, secret);
    }

    private static JsonNode read(Path file, String type) throws IOException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new LifeboatException(
                    Kind.USAGE, "key file " + file + " does not exist", "Give the path of an existing key file.");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw malformed(file, e);
        }
        if (n == null || !type.equals(n.path("type").asText())) {
            String found = n == null ? "" : n.path("type").asText();
            String hint = found.startsWith("lifeboat-")
                    ? "This is a " + found + " file; give a " + type + " file."
                    : "Give a key file written by lifeboat repo init.";
            throw new LifeboatException(Kind.USAGE, "file " + file + " is not a " + type, hint);
        }
        if (n.path("version").asInt() != 1) {
            throw new LifeboatException(
                    Kind.USAGE, "key file " + file + " has an unsupported version", "Upgrade lifeboat.");
        }
        return n;
    }

    private static byte[] decode(String b64, Path file) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw malformed(file, e);
        }
    }

    private static LifeboatException malformed(Path file, Exception cause) {
        return new LifeboatException(
                Kind.BAD_INPUT, "key file " + file + " is damaged", "Use an intact copy of the key file.", cause);
    }

    static byte[] pbkdf2(char[] passphrase, byte[] salt, int iterations) {
        try {
            var spec = new PBEKeySpec(passphrase, salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                        .generateSecret(spec)
                        .getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeNew(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.exists(abs)) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "key file " + file + " already exists",
                    "Choose another path; an existing key file is never overwritten.");
        }
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.createLink(abs, tmp);
            } catch (FileAlreadyExistsException e) {
                throw new LifeboatException(
                        Kind.CONFLICT, "key file " + file + " already exists", "Choose another path.");
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(abs)) throw e;
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
