package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.repository.internal.Crypto;
import io.lifeboat.repository.internal.Json;
import io.lifeboat.repository.internal.MetaObjects;
import io.lifeboat.repository.internal.RepoKeys;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * A repository's {@code config} and {@code keys/} objects (format §3, §4): creating them, and
 * checking, when a repository is opened, that the config is one this version reads and that the keys
 * given open it (the write secret they yield matches the config's key check).
 */
final class RepositoryOpener {
    static final int MIN_CHUNK = 256 * 1024;
    static final int AVG_CHUNK = 1024 * 1024;
    static final int MAX_CHUNK = 8 * 1024 * 1024;
    static final int FILE_BLOB_MAX = 8 * 1024 * 1024;
    static final int PACK_SIZE = 16 * 1024 * 1024;

    /** What opening found: the config, the write secret, and the recipients new data is sealed to. */
    record Opened(JsonNode config, byte[] writeSecret, List<Recipient> recipients) {}

    private RepositoryOpener() {}

    /** Writes the key objects and the config of a new repository; returns its writer key. */
    static WriterKey init(Backend backend, List<Recipient> recipients) throws IOException {
        if (recipients.isEmpty()) throw new IllegalArgumentException("at least one recipient");
        if (backend.stat("config").isPresent()) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "a repository already exists at " + backend.location(),
                    "Open it with its key, or choose an empty location.");
        }
        String id = Crypto.hex(Crypto.random(32));
        byte[] w = Crypto.random(32);
        for (Recipient r : recipients) writeKeyObject(backend, r, w);
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("format", "lifeboat-repository")
                .put("version", Repository.FORMAT_VERSION)
                .put("id", id);
        c.put("created", Instant.now().toString());
        c.putObject("chunker")
                .put("algorithm", "fastcdc-gear-v1")
                .put("min", MIN_CHUNK)
                .put("avg", AVG_CHUNK)
                .put("max", MAX_CHUNK);
        c.put("fileBlobMax", FILE_BLOB_MAX).put("packSize", PACK_SIZE);
        c.put("keyCheck", Base64.getEncoder().encodeToString(new RepoKeys(id, w).keyCheck()));
        backend.save(
                "config",
                ContentSource.ofBytes(
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(c)));
        return new WriterKey(id, recipients, w);
    }

    /** Reads the config and checks {@code keys}; wrong keys, damaged or newer-format repositories are refused clearly. */
    static Opened open(Backend backend, Keys keys) throws IOException {
        JsonNode config = readConfig(backend);
        String id = config.path("id").asText();
        byte[] expectedCheck =
                Base64.getDecoder().decode(config.path("keyCheck").asText());
        byte[] w = null;
        List<Recipient> recipients = new ArrayList<>();
        if (keys.writer().isPresent()) {
            WriterKey wk = keys.writer().get();
            if (!wk.repositoryId().equals(id)) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "the writer key belongs to repository " + Repository.shortId(wk.repositoryId()) + ", not to "
                                + Repository.shortId(id) + " at " + backend.location(),
                        "Use the writer key made for this repository.");
            }
            w = wk.writeSecret();
            recipients.addAll(wk.recipients());
        }
        if (!keys.secrets().isEmpty()) {
            byte[] fromKeys = writeSecretFromKeys(backend, keys.secrets());
            if (w != null && !MessageDigest.isEqual(w, fromKeys)) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "the writer key and the secret key belong to different repositories",
                        "Use keys made for the same repository.");
            }
            if (w == null) w = fromKeys;
            if (recipients.isEmpty()) keys.secrets().forEach(s -> recipients.add(s.recipient()));
        }
        if (!MessageDigest.isEqual(new RepoKeys(id, w).keyCheck(), expectedCheck)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "the key does not match repository " + Repository.shortId(id),
                    "Use the writer key or secret key made for this repository.");
        }
        return new Opened(config, w, recipients);
    }

    private static JsonNode readConfig(Backend backend) throws IOException {
        JsonNode c;
        try (InputStream in = backend.load("config")) {
            c = Json.MAPPER.readTree(in.readAllBytes());
        } catch (ObjectNotFoundException e) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no repository at " + backend.location(),
                    "Check the location, or create a repository with repo init.");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "repository config at " + backend.location() + " is damaged",
                    "Restore it from a copy.");
        }
        if (c == null || !"lifeboat-repository".equals(c.path("format").asText())) {
            throw new LifeboatException(
                    Kind.USAGE, backend.location() + " is not a lifeboat repository", "Check the location.");
        }
        int v = c.path("version").asInt();
        if (v > Repository.FORMAT_VERSION) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "repository format version " + v + " is newer than this lifeboat supports ("
                            + Repository.FORMAT_VERSION + ")",
                    "Upgrade lifeboat to use this repository.");
        }
        if (v < 1 || !c.path("id").asText().matches("[0-9a-f]{64}")) {
            throw new LifeboatException(Kind.INTEGRITY, "repository config is damaged", "Restore it from a copy.");
        }
        return c;
    }

    /** Seals the write secret {@code w} to {@code r} in a new key object. */
    static void writeKeyObject(Backend backend, Recipient r, byte[] w) throws IOException {
        byte[] eph = Crypto.random(32);
        byte[] stanza = Crypto.stanza(eph, Crypto.x25519Public(eph), r.raw(), w);
        ObjectNode k = Json.MAPPER.createObjectNode();
        k.put("recipient", r.encoded())
                .put("created", Instant.now().toString())
                .put("writeSecret", Base64.getEncoder().encodeToString(stanza));
        MetaObjects.save(backend, "keys/", Json.MAPPER.writeValueAsBytes(k));
    }

    private static byte[] writeSecretFromKeys(Backend backend, List<SecretKey> secrets) throws IOException {
        for (ObjectInfo o : backend.list("keys/")) {
            JsonNode k = Json.MAPPER.readTree(MetaObjects.loadChecked(backend, o.name()));
            for (SecretKey s : secrets) {
                if (!s.recipient().encoded().equals(k.path("recipient").asText())) continue;
                byte[] stanza = Base64.getDecoder().decode(k.path("writeSecret").asText());
                try {
                    byte[] w = Crypto.openStanza(
                            stanza, 0, s.scalar(), s.recipient().raw());
                    if (w != null) return w;
                } catch (AEADBadTagException e) {
                    throw new LifeboatException(
                            Kind.INTEGRITY,
                            o.name() + " fails authentication",
                            "Restore it from a copy of the repository.");
                }
            }
        }
        throw new LifeboatException(
                Kind.USAGE,
                "the secret key does not open this repository",
                "Use the secret key that 'lifeboat repo init' made for this repository.");
    }
}
