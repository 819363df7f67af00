package io.lifeboat.postgres;

/**
 * SQL names: the tables named by the post-data statements pg_dump writes ({@code ALTER TABLE}, {@code
 * CREATE INDEX}, foreign keys), as written (qualified, possibly quoted), which the loader's scheduling
 * locks; and {@link #ident(String)}, the quoting of an identifier for SQL Lifeboat writes.
 */
public final class SqlNames {
    private SqlNames() {}

    /** {@code name} as a quoted SQL identifier: {@code a"b} becomes {@code "a""b"}. */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code ALTER TABLE [ONLY] name ...}: the table, or null. */
    static String tableOfAlter(String sql) {
        String s = sql.strip();
        if (!s.startsWith("ALTER TABLE ")) return null;
        int pos = "ALTER TABLE ".length();
        if (s.startsWith("ONLY ", pos)) pos += "ONLY ".length();
        return qualifiedName(s, pos);
    }

    /** {@code CREATE [UNIQUE] INDEX name ON [ONLY] table ...}: the table, or null. */
    static String tableOfIndex(String sql) {
        String s = sql.strip();
        int pos;
        if (s.startsWith("CREATE INDEX ")) pos = "CREATE INDEX ".length();
        else if (s.startsWith("CREATE UNIQUE INDEX ")) pos = "CREATE UNIQUE INDEX ".length();
        else return null;
        int end = identifierEnd(s, pos);
        if (end < 0 || !s.startsWith(" ON ", end)) return null;
        pos = end + " ON ".length();
        if (s.startsWith("ONLY ", pos)) pos += "ONLY ".length();
        return qualifiedName(s, pos);
    }

    /** The table after {@code FOREIGN KEY (...) REFERENCES}, or null. */
    static String referencedTable(String sql) {
        int pos = sql.indexOf(" FOREIGN KEY (");
        if (pos < 0) return null;
        pos += " FOREIGN KEY (".length();
        boolean quoted = false;
        for (; pos < sql.length(); pos++) {
            char c = sql.charAt(pos);
            if (c == '"') quoted = !quoted;
            else if (c == ')' && !quoted) break;
        }
        if (pos >= sql.length() || !sql.startsWith(") REFERENCES ", pos)) return null;
        return qualifiedName(sql, pos + ") REFERENCES ".length());
    }

    /** A possibly qualified, possibly quoted name starting at {@code pos}, as written; null if none. */
    static String qualifiedName(String s, int pos) {
        int start = pos;
        while (true) {
            int end = identifierEnd(s, pos);
            if (end < 0) return null;
            if (end < s.length() && s.charAt(end) == '.') {
                pos = end + 1;
                continue;
            }
            return s.substring(start, end);
        }
    }

    private static int identifierEnd(String s, int pos) {
        if (pos >= s.length()) return -1;
        if (s.charAt(pos) == '"') {
            int i = pos + 1;
            while (i < s.length()) {
                if (s.charAt(i) == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            return -1;
        }
        int i = pos;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) break;
            i++;
        }
        return i == pos ? -1 : i;
    }
}
