package io.lifeboat.server.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/** Small formatting helpers for the dashboard's templates. */
public final class Ui {
    private Ui() {}

    /** The value of {@code key} as text; empty when absent. */
    public static String s(Map<String, ?> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v == null ? "" : v.toString();
    }

    /** Whether {@code key} holds a value. */
    public static boolean has(Map<String, ?> m, String key) {
        return m != null && m.get(key) != null && !m.get(key).toString().isEmpty();
    }

    /** An ISO time as its age from now: "just now", "5 min ago", "3 h ago", "2 d ago"; "never" when absent. */
    public static String age(Object iso) {
        if (iso == null || iso.toString().isEmpty()) return "never";
        try {
            long s = Duration.between(Instant.parse(iso.toString()), Instant.now())
                    .toSeconds();
            if (s < 60) return "just now";
            if (s < 3600) return s / 60 + " min ago";
            if (s < 48 * 3600) return s / 3600 + " h ago";
            return s / 86400 + " d ago";
        } catch (DateTimeParseException e) {
            return iso.toString();
        }
    }

    /** An ISO time shortened to minutes, UTC: "2026-12-02 09:30 UTC". */
    public static String when(Object iso) {
        if (iso == null || iso.toString().length() < 16) return "";
        String t = iso.toString();
        return t.substring(0, 10) + " " + t.substring(11, 16) + " UTC";
    }

    /** A byte count in binary units. */
    public static String bytes(Object n) {
        if (!(n instanceof Number num)) return "";
        double v = num.doubleValue();
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? (long) v + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Milliseconds as a duration: "850 ms", "42 s", "3 min 5 s", "2 h 10 min". */
    public static String millis(Object n) {
        if (!(n instanceof Number num)) return "";
        long ms = num.longValue();
        if (ms < 1000) return ms + " ms";
        long s = ms / 1000;
        if (s < 60) return s + " s";
        if (s < 3600) return s / 60 + " min " + s % 60 + " s";
        if (s < 48 * 3600) return s / 3600 + " h " + (s % 3600) / 60 + " min";
        return s / 86400 + " d " + (s % 86400) / 3600 + " h";
    }

    /** The CSS class of a status: ok, bad, busy or idle. */
    public static String tone(Object status) {
        String v = status == null ? "" : status.toString();
        return switch (v) {
            case "completed", "passed", "ok", "ready" -> "ok";
            case "failed", "cancelled", "missed" -> "bad";
            case "running", "pending", "awaiting_approval", "restoring" -> "busy";
            default -> "idle";
        };
    }
}
