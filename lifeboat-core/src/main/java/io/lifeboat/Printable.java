package io.lifeboat;

/**
 * Makes text from a backup, a database or a file safe to show on a terminal. Names and messages
 * Lifeboat prints can come from untrusted input (a {@code store_fname}, a database name, an archive
 * entry name, a line of a dump); printed raw, an escape sequence in them could rewrite the screen or
 * forge lines. Every C0 control character, DEL, every C1 control character and the Unicode line and
 * paragraph separators are rendered as a visible escape: {@code \n}, {@code \r}, {@code \t}, else
 * {@code \xNN} (or {@code \}{@code uNNNN} above {@code \xff}). A backslash is left as it is.
 */
public final class Printable {
    private Printable() {}

    /** {@code text} with control characters escaped; "null" for null. */
    public static String of(CharSequence text) {
        if (text == null) return "null";
        int n = text.length();
        int i = 0;
        while (i < n && !isControl(text.charAt(i))) i++;
        if (i == n) return text.toString();
        StringBuilder sb = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c <= 0xff) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /** Whether {@code c} is escaped by {@link #of}: C0, DEL, C1, U+2028 and U+2029. */
    public static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
