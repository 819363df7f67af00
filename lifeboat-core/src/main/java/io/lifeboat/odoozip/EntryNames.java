package io.lifeboat.odoozip;

/** The rules an entry name must follow to be safe to extract anywhere; shared by writer and reader. */
final class EntryNames {
    private EntryNames() {}

    /**
     * Returns why {@code name} is unsafe, or null when it is a relative path that stays inside any
     * extraction root. A trailing slash (directory entry) is allowed.
     */
    static String problem(String name) {
        if (name.isEmpty() || name.equals("/")) {
            return "empty name";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0))) {
            return "drive letter";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return "NUL character";
            }
            if (c == '\\') {
                return "backslash";
            }
            if (c < 0x20 || c == 0x7f) {
                return "control character";
            }
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "empty path segment";
            }
            if (segment.equals("..")) {
                return "'..' segment";
            }
            if (segment.equals(".")) {
                return "'.' segment";
            }
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
