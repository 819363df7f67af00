package io.lifeboat.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Dashboard sessions. A user signs in with an API token; the session stands for that token, so revoking
 * the token or its expiry ends the session at the next page. The browser holds a random session id in an
 * HttpOnly cookie; the catalog keeps only its SHA-256, the hash of the token, and the session's form token
 * (CSRF), which every form sends back.
 */
final class Sessions {
    /** How long a session lasts without signing in again. */
    static final long LIFETIME_MILLIS = 12L * 3600 * 1000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Catalog catalog;
    private final Accounts accounts;

    Sessions(Catalog catalog, Accounts accounts) {
        this.catalog = catalog;
        this.accounts = accounts;
    }

    /** A signed-in user: who, and the session's form token. */
    record Session(Principal principal, String csrf) {}

    /** Opens a session for the holder of {@code token}; throws {@link ApiError} (401) for a bad token. */
    String open(String token) {
        Principal p = accounts.authenticate(token);
        String id = random();
        long now = Platform.now();
        catalog.update("delete from sessions where expires_at < ?", now);
        catalog.update(
                "insert into sessions (id_hash, token_hash, user_id, csrf, created_at, expires_at) values (?, ?, ?, ?,"
                        + " ?, ?)",
                Accounts.hash(id),
                Accounts.hash(token.strip()),
                p.userId(),
                random(),
                now,
                now + LIFETIME_MILLIS);
        return id;
    }

    /** The session of a cookie's id, when it is valid and its token is still good. */
    Optional<Session> find(String id) {
        if (id == null || id.isBlank() || id.length() > 100) return Optional.empty();
        var row = catalog.row(
                "select s.user_id, s.csrf, s.expires_at, t.expires_at as token_expires_at, t.revoked_at"
                        + " from sessions s join tokens t on t.token_hash = s.token_hash where s.id_hash = ?",
                Accounts.hash(id));
        if (row.isEmpty()) return Optional.empty();
        var r = row.get();
        long now = Platform.now();
        Long tokenExpires = Catalog.num(r, "token_expires_at");
        if (Catalog.num(r, "expires_at") < now
                || r.get("revoked_at") != null
                || (tokenExpires != null && tokenExpires < now)) {
            close(id);
            return Optional.empty();
        }
        return Optional.of(new Session(accounts.principal(Catalog.str(r, "user_id")), Catalog.str(r, "csrf")));
    }

    void close(String id) {
        if (id != null) catalog.update("delete from sessions where id_hash = ?", Accounts.hash(id));
    }

    /** Whether a form's token is the session's, compared in constant time. */
    static boolean csrfMatches(Session session, String sent) {
        return sent != null
                && MessageDigest.isEqual(
                        session.csrf().getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
