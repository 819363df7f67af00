package io.lifeboat.filestore;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The names a filestore accepts: {@code xx/<sha1>}. */
final class Names {
    static final String CHECKLIST = "checklist";

    private Names() {}

    /** Returns {@code name} when it is a canonical {@code xx/<sha1>}, else throws {@link IllegalArgumentException}. */
    static String check(String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("not a filestore file name (xx/<sha1>): " + printable(name));
        }
        return name;
    }

    static boolean isName(String name) {
        return name != null
                && name.length() == 43
                && name.charAt(2) == '/'
                && isSha1(name.substring(3))
                && name.regionMatches(0, name, 3, 2);
    }

    /** The SHA-1 a valid name promises. */
    static String sha1(String name) {
        return check(name).substring(3);
    }

    static boolean isSha1(String s) {
        if (s == null || s.length() != 40) return false;
        for (int i = 0; i < 40; i++) {
            if (!isHex(s.charAt(i))) return false;
        }
        return true;
    }

    static boolean isBucket(String s) {
        return s.length() == 2 && isHex(s.charAt(0)) && isHex(s.charAt(1));
    }

    /** Whether {@code directory} is one {@link Filestore#root()} may name: {@code xx} or {@code checklist/xx}. */
    static String checkDirectory(String directory) {
        boolean ok = directory != null
                && (isBucket(directory)
                        || (directory.startsWith(CHECKLIST + "/")
                                && isMarkerDirectory(directory.substring(CHECKLIST.length() + 1))));
        if (!ok) throw new IllegalArgumentException("not a filestore directory: " + printable(directory));
        return directory;
    }

    /** A name a checklist subdirectory may have in a listing: one plain segment. */
    static boolean isMarkerDirectory(String segment) {
        return !segment.isEmpty()
                && !segment.equals(".")
                && !segment.equals("..")
                && segment.indexOf('/') < 0
                && segment.indexOf('\\') < 0
                && segment.indexOf('\0') < 0;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    static String printable(String s) {
        if (s == null) return "null";
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder sb = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp == 0x7f ? '?' : (char) cp));
        return sb.toString();
    }
}
