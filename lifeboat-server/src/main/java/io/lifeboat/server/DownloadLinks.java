package io.lifeboat.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Expiring download links signed with the server's key (HMAC-SHA256 over the backup id and the expiry). The
 * link streams the backup's Odoo zip from the store; anyone holding it may download until it expires, so it
 * is made only for users who may see the backup, and every link made is audited. Every worker of one catalog
 * must share the key file to honour the others' links.
 */
final class DownloadLinks {
    private final byte[] key;

    private final String publicUrl;

    DownloadLinks(Path keyFile, String publicUrl) {
        this.key = loadOrCreate(keyFile);
        this.publicUrl = publicUrl;
    }

    private static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                if (file.getParent() != null) Files.createDirectories(file.getParent());
                byte[] k = new byte[32];
                new SecureRandom().nextBytes(k);
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, HexFormat.of().formatHex(k), StandardOpenOption.TRUNCATE_EXISTING);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            byte[] k = HexFormat.of().parseHex(Files.readString(file).strip());
            if (k.length < 16) throw new IOException("the key is shorter than 16 bytes");
            return k;
        } catch (IOException | IllegalArgumentException e) {
            throw new io.lifeboat.LifeboatException(
                    io.lifeboat.LifeboatException.Kind.ENVIRONMENT,
                    "cannot read or create the signing key " + file + ": " + e.getMessage(),
                    "The file holds the key as hex; remove it to have a new one made (older links then stop working).");
        }
    }

    private String sign(String id, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((id + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> link(Context ctx, String id, Duration ttl) {
        long expires = Instant.now().plus(ttl).getEpochSecond();
        String base = publicUrl != null ? publicUrl : ctx.scheme() + "://" + ctx.host();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", base + "/api/v1/downloads/" + id + "?expires=" + expires + "&signature=" + sign(id, expires));
        m.put("expires_at", Instant.ofEpochSecond(expires).toString());
        m.put("kind", "lifeboat-signed");
        return m;
    }

    void check(String id, String expires, String signature) {
        if (expires == null || signature == null) throw ApiError.forbidden("the download link is incomplete");
        long exp;
        try {
            exp = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw ApiError.forbidden("the download link is not valid");
        }
        if (!MessageDigest.isEqual(
                sign(id, exp).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            throw ApiError.forbidden("the download link is not valid");
        }
        if (Instant.now().getEpochSecond() > exp)
            throw ApiError.forbidden("the download link expired; ask for a new one");
    }
}
