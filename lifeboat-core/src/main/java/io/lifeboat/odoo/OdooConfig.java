package io.lifeboat.odoo;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code odoo.conf} read exactly as Odoo reads it: Python's {@code
 * configparser.RawConfigParser()} with its defaults, i.e. {@code =} and {@code :} as delimiters,
 * {@code #} and {@code ;} starting full-line comments only (inline comments stay part of the
 * value), indented lines continuing the previous value (joined with {@code \n}, blank lines kept
 * inside a value, trailing ones dropped), option names lowercased, section names case-sensitive,
 * {@code %} literal, no valueless options, and duplicate sections or options within the file
 * rejected (strict mode). Options of {@code [DEFAULT]} show through in every section.
 *
 * <p>The file is decoded as strict UTF-8 with universal newlines ({@code \r\n}, {@code \r} and
 * {@code \n} end lines). A byte order mark is not skipped: Python keeps it as part of the first
 * line, so such a file has no valid section header, and Odoo fails to start with it.
 *
 * <p>Values are returned verbatim as strings; the conversions Odoo applies afterwards are the
 * caller's business: {@code True}/{@code true} and {@code False}/{@code false} become booleans for
 * every option (see {@link #isOdooFalse(String)}), while {@code None} stays a string except for a
 * few options Odoo checks by name ({@code logfile}, {@code pidfile}, {@code addons_path}, ...).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class OdooConfig {

    /** Name of the section Odoo reads its options from. */
    public static final String OPTIONS = "options";

    /** Name of Python's default section. */
    public static final String DEFAULT = "DEFAULT";

    private static final int MAX_CHARS = 16 * 1024 * 1024;

    private final String sourceName;
    private final Map<String, String> defaults;
    private final Map<String, Map<String, String>> sections;

    private OdooConfig(String sourceName, Map<String, String> defaults, Map<String, Map<String, String>> sections) {
        this.sourceName = sourceName;
        this.defaults = defaults;
        this.sections = sections;
    }

    /**
     * Reads a configuration file.
     *
     * @throws LifeboatException {@code USAGE} if the file does not exist; {@code BAD_INPUT} if it cannot be read or Python would
     *     refuse it
     */
    public static OdooConfig parse(Path file) {
        String name = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return parse(
                    new InputStreamReader(
                            in,
                            StandardCharsets.UTF_8
                                    .newDecoder()
                                    .onMalformedInput(CodingErrorAction.REPORT)
                                    .onUnmappableCharacter(CodingErrorAction.REPORT)),
                    name);
        } catch (NoSuchFileException e) {
            // The same kind (exit code 2) and wording as a backup file that does not exist.
            throw new LifeboatException(
                    Kind.USAGE,
                    "no such file or directory: " + name + " (the odoo configuration file)",
                    "Pass the path of the odoo.conf the Odoo server is started with (odoo-bin -c).");
        } catch (IOException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "cannot read odoo configuration file " + name + ": " + e.getMessage(),
                    "Check that the file exists and is readable by this user.",
                    e);
        }
    }

    /**
     * Parses configuration text; {@code sourceName} only appears in error messages.
     *
     * @throws LifeboatException {@code BAD_INPUT} if Python would refuse the text
     */
    public static OdooConfig parse(Reader reader, String sourceName) {
        String text;
        try {
            text = readAll(reader, sourceName);
        } catch (CharacterCodingException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    sourceName + " is not valid utf-8",
                    "Save the configuration file as UTF-8, the encoding Odoo reads it with.",
                    e);
        } catch (IOException e) {
            throw new LifeboatException(Kind.BAD_INPUT, "cannot read " + sourceName + ": " + e.getMessage(), null, e);
        }
        return new Parser(sourceName).parse(splitLines(text));
    }

    /** Where this configuration came from (a path or the name given to {@link #parse(Reader, String)}). */
    public String sourceName() {
        return sourceName;
    }

    /**
     * The raw value of an option of the {@code [options]} section (or of {@code [DEFAULT]}), as
     * Python's {@code p.items('options')} would give it.
     */
    public Optional<String> get(String option) {
        return get(OPTIONS, option);
    }

    /** The raw value of an option of {@code section}, falling back to {@code [DEFAULT]}. */
    public Optional<String> get(String section, String option) {
        String key = option.toLowerCase(Locale.ROOT);
        Map<String, String> s = sections.get(section);
        if (s != null && s.containsKey(key)) {
            return Optional.of(s.get(key));
        }
        if (s == null && !DEFAULT.equals(section)) {
            return Optional.empty();
        }
        return Optional.ofNullable(defaults.get(key));
    }

    /** Whether the file has an {@code [options]} section (without it Odoo uses its defaults). */
    public boolean hasOptionsSection() {
        return sections.containsKey(OPTIONS);
    }

    /** Section names in file order, without {@code DEFAULT} (Python's {@code p.sections()}). */
    public List<String> sections() {
        return List.copyOf(sections.keySet());
    }

    /** The options of {@code [DEFAULT]} in file order (Python's {@code p.defaults()}). */
    public Map<String, String> defaults() {
        return Collections.unmodifiableMap(defaults);
    }

    /**
     * The options of a section merged with {@code [DEFAULT]}, ordered like Python's {@code
     * p.items(section, raw=True)}: defaults first, then the section's own options; empty if there
     * is no such section.
     */
    public Map<String, String> section(String name) {
        Map<String, String> own = sections.get(name);
        if (own == null && !DEFAULT.equals(name)) {
            return Map.of();
        }
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        if (own != null) {
            merged.putAll(own);
        }
        return Collections.unmodifiableMap(merged);
    }

    /** Whether Odoo turns this raw value into {@code False}: exactly {@code False} or {@code false}. */
    public static boolean isOdooFalse(String raw) {
        return "False".equals(raw) || "false".equals(raw);
    }

    /** Whether Odoo turns this raw value into {@code True}: exactly {@code True} or {@code true}. */
    public static boolean isOdooTrue(String raw) {
        return "True".equals(raw) || "true".equals(raw);
    }

    @Override
    public String toString() {
        return "OdooConfig[" + sourceName + ", sections=" + sections.keySet() + "]";
    }

    private static String readAll(Reader reader, String sourceName) throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        int n;
        while ((n = reader.read(buf)) != -1) {
            sb.append(buf, 0, n);
            if (sb.length() > MAX_CHARS) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        sourceName + " is larger than " + MAX_CHARS + " characters",
                        "Pass an odoo.conf file, not another file.");
            }
        }
        return sb.toString();
    }

    /** Python's universal newlines: each line keeps no terminator; a final line may be empty-less. */
    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < len && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < len) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** Python's {@code str.isspace()} for one UTF-16 unit (every such character is in the BMP). */
    static boolean isPySpace(char c) {
        return (c >= '\t' && c <= '\r')
                || (c >= '\u001c' && c <= ' ')
                || c == '\u0085'
                || c == '\u00a0'
                || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200a')
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u202f'
                || c == '\u205f'
                || c == '\u3000';
    }

    /** Python's {@code str.strip()}. */
    static String pyStrip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isPySpace(s.charAt(b))) b++;
        while (e > b && isPySpace(s.charAt(e - 1))) e--;
        return s.substring(b, e);
    }

    private static String pyRstrip(String s) {
        int e = s.length();
        while (e > 0 && isPySpace(s.charAt(e - 1))) e--;
        return s.substring(0, e);
    }

    /** A straight transcription of {@code RawConfigParser._read} with the default settings. */
    private static final class Parser {
        private final String sourceName;
        private final Map<String, List<String>> defaults = new LinkedHashMap<>();
        private final Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        private final Set<String> sectionsAdded = new HashSet<>();
        private final Set<List<String>> optionsAdded = new HashSet<>();
        private int firstBadLine = -1;

        Parser(String sourceName) {
            this.sourceName = sourceName;
        }

        OdooConfig parse(List<String> lines) {
            Map<String, List<String>> cursect = null;
            String sectname = null;
            String optname = null;
            int indentLevel = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int lineno = i + 1;
                String stripped = pyStrip(line);
                boolean comment = stripped.startsWith("#") || stripped.startsWith(";");
                String value = comment ? "" : stripped;
                if (value.isEmpty()) {
                    // empty_lines_in_values=True: a blank (not comment) line belongs to the value
                    if (!comment && cursect != null && optname != null && !optname.isEmpty()) {
                        List<String> parts = cursect.get(optname);
                        if (parts != null) {
                            parts.add("");
                        }
                    }
                    continue;
                }
                int curIndentLevel = firstNonSpace(line);
                if (cursect != null && optname != null && !optname.isEmpty() && curIndentLevel > indentLevel) {
                    cursect.get(optname).add(value);
                    continue;
                }
                indentLevel = curIndentLevel;
                String header = sectionHeader(value);
                if (header != null) {
                    sectname = header;
                    if (sections.containsKey(header)) {
                        if (sectionsAdded.contains(header)) {
                            throw error(
                                    "duplicate section [" + header + "] at line " + lineno,
                                    "Merge the two [" + header + "] sections: Odoo refuses a file that repeats one.");
                        }
                        cursect = sections.get(header);
                        sectionsAdded.add(header);
                    } else if (DEFAULT.equals(header)) {
                        cursect = defaults;
                    } else {
                        cursect = new LinkedHashMap<>();
                        sections.put(header, cursect);
                        sectionsAdded.add(header);
                    }
                    optname = null;
                } else if (cursect == null) {
                    String hint = line.startsWith("\ufeff")
                            ? "The file starts with a byte order mark; save it as UTF-8 without BOM."
                            : "Start the file with a section header such as [options].";
                    throw error("no section header before line " + lineno + " (" + pyRepr(line) + ")", hint);
                } else {
                    int delim = firstDelimiter(value);
                    if (delim < 0) {
                        badLine(lineno);
                        continue;
                    }
                    String name = pyRstrip(value.substring(0, delim));
                    if (name.isEmpty()) {
                        badLine(lineno);
                    }
                    name = name.toLowerCase(Locale.ROOT);
                    List<String> key = List.of(sectname, name);
                    if (optionsAdded.contains(key)) {
                        throw error(
                                "duplicate option '" + name + "' in section [" + sectname + "] at line " + lineno,
                                "Keep a single '" + name + "' line: Odoo refuses a file that repeats an option.");
                    }
                    optionsAdded.add(key);
                    optname = name;
                    List<String> parts = new ArrayList<>();
                    parts.add(pyStrip(value.substring(delim + 1)));
                    cursect.put(name, parts);
                }
            }
            if (firstBadLine > 0) {
                throw error(
                        "cannot parse line " + firstBadLine + ": not a section header nor an option 'name = value'",
                        "Fix that line; Odoo refuses the whole file otherwise.");
            }
            Map<String, Map<String, String>> joined = new LinkedHashMap<>();
            sections.forEach((k, v) -> joined.put(k, join(v)));
            return new OdooConfig(sourceName, join(defaults), joined);
        }

        private void badLine(int lineno) {
            if (firstBadLine < 0) {
                firstBadLine = lineno;
            }
        }

        private LifeboatException error(String what, String hint) {
            return new LifeboatException(Kind.BAD_INPUT, sourceName + ": " + what, hint);
        }

        private static Map<String, String> join(Map<String, List<String>> options) {
            Map<String, String> out = new LinkedHashMap<>();
            options.forEach((k, v) -> out.put(k, pyRstrip(String.join("\n", v))));
            return Collections.unmodifiableMap(out);
        }

        /** {@code \[(?P<header>.+)\]} matched at the start: up to the last ']' after at least one char. */
        private static String sectionHeader(String value) {
            if (value.length() < 3 || value.charAt(0) != '[') {
                return null;
            }
            int close = value.lastIndexOf(']');
            return close >= 2 ? value.substring(1, close) : null;
        }

        private static int firstDelimiter(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '=' || c == ':') {
                    return i;
                }
            }
            return -1;
        }

        private static int firstNonSpace(String line) {
            for (int i = 0; i < line.length(); i++) {
                if (!isPySpace(line.charAt(i))) {
                    return i;
                }
            }
            return 0;
        }

        private static String pyRepr(String line) {
            String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
            StringBuilder sb = new StringBuilder("'");
            for (int i = 0; i < shown.length(); i++) {
                char c = shown.charAt(i);
                if (c < ' ' || c == '\ufeff') {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('\'').toString();
        }
    }
}
