package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How every command names a snapshot: an id, a unique prefix of at least 4 hex digits, or {@code
 * latest}, {@code latest:DATABASE} or {@code latest:INSTANCE/DATABASE} — the newest snapshot of one
 * (instance, database). Plain {@code latest} is refused as ambiguous when the repository holds
 * snapshots of more than one database, so that it never picks another database's data.
 */
final class SnapshotRef {
    static final String LATEST = "latest";

    /** Candidates named in a hint; the rest are counted. */
    private static final int SHOWN = 8;

    private SnapshotRef() {}

    /** The snapshot {@code ref} names among {@code all}, or a usage error saying what to give instead. */
    static SnapshotInfo resolve(List<SnapshotInfo> all, String ref) {
        if (ref != null && (ref.equals(LATEST) || ref.startsWith(LATEST + ":"))) return latest(all, ref);
        String p = ref == null ? "" : ref.toLowerCase(Locale.ROOT);
        if (p.length() < 4 || !p.matches("[0-9a-f]+")) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "invalid snapshot id: " + ref,
                    "Give at least 4 hex digits of a snapshot id, or latest:DATABASE.");
        }
        List<SnapshotInfo> m = all.stream().filter(s -> s.id().startsWith(p)).toList();
        if (m.isEmpty()) {
            throw new LifeboatException(Kind.USAGE, "no snapshot " + ref, "List snapshots to see their ids.");
        }
        if (m.size() > 1) {
            throw new LifeboatException(
                    Kind.USAGE, "snapshot id " + ref + " is ambiguous", "Give more digits of the id.");
        }
        return m.get(0);
    }

    private static SnapshotInfo latest(List<SnapshotInfo> all, String ref) {
        Map<SnapshotGroup, List<SnapshotInfo>> groups = SnapshotGroup.newestFirst(all);
        if (groups.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE, "the repository has no snapshots", "Take one with lifeboat backup --repo.");
        }
        String selector = ref.equals(LATEST) ? null : ref.substring(LATEST.length() + 1);
        if (selector != null && (selector.isEmpty() || selector.endsWith("/") || selector.startsWith("/"))) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "invalid snapshot reference: " + ref,
                    "Give latest:DATABASE or latest:INSTANCE/DATABASE.");
        }
        List<SnapshotGroup> matching =
                groups.keySet().stream().filter(g -> matches(g, selector)).toList();
        if (matching.size() == 1) return groups.get(matching.get(0)).get(0);
        if (matching.isEmpty()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "no snapshot of " + (selector.contains("/") ? selector : "database " + selector),
                    "Snapshots exist of " + candidates(groups, List.copyOf(groups.keySet())) + ".");
        }
        String what = selector == null
                ? "latest is ambiguous: the repository holds snapshots of " + matching.size() + " databases"
                : ref + " is ambiguous: " + matching.size() + " instances have a database " + selector;
        throw new LifeboatException(
                Kind.USAGE, what, "Say which one: " + candidates(groups, matching) + "; or give a snapshot id.");
    }

    /** {@code selector}: null (any), {@code DATABASE} or {@code INSTANCE/DATABASE} (a database name has no slash). */
    private static boolean matches(SnapshotGroup g, String selector) {
        if (selector == null) return true;
        int slash = selector.lastIndexOf('/');
        if (slash < 0) return g.database().equals(selector);
        return g.instance().equals(selector.substring(0, slash)) && g.database().equals(selector.substring(slash + 1));
    }

    /** {@code latest:prod/odoo (newest 3094c0d7), …}: the shortest reference that names each group. */
    private static String candidates(Map<SnapshotGroup, List<SnapshotInfo>> groups, List<SnapshotGroup> shown) {
        List<String> out = new ArrayList<>();
        for (SnapshotGroup g : shown.subList(0, Math.min(SHOWN, shown.size()))) {
            boolean unique = groups.keySet().stream()
                            .filter(o -> o.database().equals(g.database()))
                            .count()
                    == 1;
            out.add(LATEST + ":" + (unique ? g.database() : g) + " (newest "
                    + groups.get(g).get(0).shortId() + ")");
        }
        if (shown.size() > SHOWN) {
            out.add("and " + (shown.size() - SHOWN) + " more (lifeboat snapshots --latest lists them)");
        }
        return String.join(", ", out);
    }
}
