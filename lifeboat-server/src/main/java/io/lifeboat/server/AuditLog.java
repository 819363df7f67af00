package io.lifeboat.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log. Every record holds the SHA-256 of the record before it and its own hash over
 * its fields and that link, so a changed record, or one removed from the middle, breaks the chain that
 * {@link #verify()} walks. Each record's hash is also written to the server log, where the newest one
 * anchors the end of the chain outside the catalog. Appends are serialized (an advisory lock on a shared
 * PostgreSQL catalog).
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger("lifeboat.audit");
    static final String GENESIS = "0".repeat(64);
    private final Catalog catalog;
    private final ObjectMapper json;

    public AuditLog(Catalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** Records an action; details must not hold secrets. */
    public synchronized void record(String actor, String action, String target, String reason, Map<String, ?> details) {
        String detailText;
        try {
            detailText = json.writeValueAsString(details == null ? Map.of() : details);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long at = System.currentTimeMillis();
        String hash = catalog.inTransaction(c -> {
            if (catalog.postgres()) Catalog.rows(c, "select pg_advisory_xact_lock(7210431)");
            List<Map<String, Object>> last = Catalog.rows(c, "select hash from audit order by seq desc limit 1");
            String prev = last.isEmpty() ? GENESIS : Catalog.str(last.get(0), "hash");
            String h = hash(prev, at, actor, action, target, reason, detailText);
            Catalog.update(
                    c,
                    "insert into audit (at, actor, action, target, reason, details, prev_hash, hash)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?)",
                    at,
                    actor,
                    action,
                    target,
                    reason,
                    detailText,
                    prev,
                    h);
            return h;
        });
        LOG.info("audit actor={} action={} target={} hash={}", actor, action, target, hash);
    }

    static String hash(
            String prev, long at, String actor, String action, String target, String reason, String details) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {
                prev, Long.toString(at), actor, action, target, reason == null ? "\u0000" : reason, details
            }) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                md.update(Long.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) ':');
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records, newest first, after optional filters. */
    public List<Map<String, Object>> list(String actor, String action, long beforeSeq, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(
                "select seq, at, actor, action, target, reason, details, prev_hash, hash from audit where seq < ?");
        params.add(beforeSeq);
        if (actor != null) {
            sql.append(" and actor = ?");
            params.add(actor);
        }
        if (action != null) {
            sql.append(" and action = ?");
            params.add(action);
        }
        sql.append(" order by seq desc limit ?");
        params.add(limit);
        return catalog.rows(sql.toString(), params.toArray()).stream()
                .map(EpochIso::row)
                .toList();
    }

    /** The result of walking the chain: intact, or the first record where it breaks and why. */
    public record Verification(boolean intact, long records, Long brokenAtSeq, String problem, String headHash) {}

    public Verification verify() {
        String prev = GENESIS;
        long n = 0;
        for (Map<String, Object> r :
                catalog.rows("select seq, at, actor, action, target, reason, details, prev_hash, hash from audit"
                        + " order by seq")) {
            long seq = Catalog.num(r, "seq");
            if (!prev.equals(Catalog.str(r, "prev_hash"))) {
                return new Verification(false, n, seq, "the record before this one was changed or removed", null);
            }
            String h = hash(
                    prev,
                    Catalog.num(r, "at"),
                    Catalog.str(r, "actor"),
                    Catalog.str(r, "action"),
                    Catalog.str(r, "target"),
                    Catalog.str(r, "reason"),
                    Catalog.str(r, "details"));
            if (!h.equals(Catalog.str(r, "hash"))) {
                return new Verification(false, n, seq, "this record was changed after it was written", null);
            }
            prev = h;
            n++;
        }
        return new Verification(true, n, null, null, prev);
    }
}
