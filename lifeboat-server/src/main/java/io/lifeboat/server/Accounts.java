package io.lifeboat.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Users, their role bindings and their API tokens. A token is shown once when it is made; the catalog keeps
 * only its SHA-256, so a stolen catalog does not hold usable tokens.
 */
public final class Accounts {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Catalog catalog;

    public Accounts(Catalog catalog) {
        this.catalog = catalog;
    }

    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "lbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean anyUser() {
        return catalog.count("select count(*) from users") > 0;
    }

    public String createUser(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")) {
            throw ApiError.badRequest("a user name is 1 to 100 letters, digits, '.', '_', '@' or '-'");
        }
        if (catalog.row("select id from users where name = ?", name).isPresent()) {
            throw ApiError.conflict("a user named '" + name + "' exists");
        }
        String id = UUID.randomUUID().toString();
        catalog.update(
                "insert into users (id, name, created_at) values (?, ?, ?)", id, name, System.currentTimeMillis());
        return id;
    }

    public void bind(String userId, Role role, String scopeType, String scopeId) {
        catalog.update(
                "insert into role_bindings (user_id, role, scope_type, scope_id) values (?, ?, ?, ?)",
                userId,
                role.id(),
                scopeType,
                scopeId == null ? "" : scopeId);
    }

    /** Makes a token for a user and returns it; only its hash is stored. */
    public String createToken(String userId, String name, Long expiresAt) {
        String token = newToken();
        storeToken(userId, name, token, expiresAt);
        return token;
    }

    void storeToken(String userId, String name, String token, Long expiresAt) {
        catalog.update(
                "insert into tokens (id, user_id, name, token_hash, created_at, expires_at) values (?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(),
                userId,
                name,
                hash(token),
                System.currentTimeMillis(),
                expiresAt);
    }

    /** A user's tokens, without their hashes. */
    public List<Map<String, Object>> tokens(String userId) {
        return catalog
                .rows(
                        "select id, name, created_at, expires_at, revoked_at from tokens where user_id = ? order by created_at",
                        userId)
                .stream()
                .map(EpochIso::row)
                .toList();
    }

    public String tokenOwner(String tokenId) {
        return catalog.row("select user_id from tokens where id = ?", tokenId)
                .map(r -> Catalog.str(r, "user_id"))
                .orElseThrow(() -> ApiError.notFound("token " + tokenId));
    }

    public void revokeToken(String tokenId) {
        catalog.update(
                "update tokens set revoked_at = ? where id = ? and revoked_at is null",
                System.currentTimeMillis(),
                tokenId);
    }

    /** The principal a bearer token stands for. */
    public Principal authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw ApiError.unauthorized("no API token; send 'Authorization: Bearer <token>'");
        }
        var row = catalog.row(
                "select t.user_id, t.expires_at, t.revoked_at, u.name from tokens t join users u on u.id = t.user_id"
                        + " where t.token_hash = ?",
                hash(token.strip()));
        if (row.isEmpty()) throw ApiError.unauthorized("the API token is not valid");
        Map<String, Object> r = row.get();
        if (r.get("revoked_at") != null) throw ApiError.unauthorized("the API token was revoked");
        Long exp = Catalog.num(r, "expires_at");
        if (exp != null && exp < System.currentTimeMillis()) throw ApiError.unauthorized("the API token expired");
        return principal(Catalog.str(r, "user_id"));
    }

    public Principal principal(String userId) {
        var user =
                catalog.row("select name from users where id = ?", userId).orElseThrow(() -> ApiError.notFound("user"));
        List<Principal.Binding> bindings = new ArrayList<>();
        for (var b : catalog.rows("select role, scope_type, scope_id from role_bindings where user_id = ?", userId)) {
            bindings.add(new Principal.Binding(
                    Role.parse(Catalog.str(b, "role")), Catalog.str(b, "scope_type"), Catalog.str(b, "scope_id")));
        }
        return new Principal(userId, Catalog.str(user, "name"), bindings);
    }

    public List<Map<String, Object>> users() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var u : catalog.rows("select id, name, created_at from users order by name")) {
            var roles = catalog.rows(
                    "select role, scope_type, scope_id from role_bindings where user_id = ? order by role",
                    Catalog.str(u, "id"));
            var m = EpochIso.row(u);
            m.put("roles", roles);
            out.add(m);
        }
        return out;
    }
}
