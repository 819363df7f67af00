package io.lifeboat.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parses tricky files with {@link OdooConfig} and with Python's own {@code
 * configparser.RawConfigParser} (what Odoo uses) and requires identical results: same sections in
 * the same order, same options and values, and the same failures. Needs {@code python3}; fails
 * without it.
 */
class OdooConfigPythonParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PYTHON = String.join(
            "\n",
            "import configparser, json, sys",
            "out = []",
            "for path in sys.argv[1:]:",
            "    p = configparser.RawConfigParser()",
            "    try:",
            "        p.read(path, encoding='utf-8')",
            "        out.append({'ok': True, 'defaults': dict(p.defaults()),",
            "                    'sections': [[s, dict(p.items(s, raw=True))] for s in p.sections()]})",
            "    except Exception as e:",
            "        out.append({'ok': False, 'error': type(e).__name__})",
            "print(json.dumps(out))",
            "");

    @TempDir
    Path dir;

    @Test
    void handWrittenCasesMatchPython() throws IOException {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        add(cases, "typical", """
                [options]
                addons_path = /opt/odoo/addons,/opt/custom
                admin_passwd = $pbkdf2-sha512$600000$abc
                db_host = False
                db_port = False
                db_user = odoo
                db_password = False
                data_dir = /var/lib/odoo
                dbfilter = ^%d$
                list_db = True
                """);
        add(cases, "continuation", """
                [options]
                addons_path = /a,
                    /b,
                \t/c
                next = 1
                  more
                """);
        add(cases, "inline comments are values", """
                [options]
                a = 1 ; not a comment
                b = 2 # neither
                c = ;x
                d=#y
                ; real comment
                # real comment
                   ; indented comment
                """);
        add(cases, "percent literal", """
                [options]
                dbfilter = ^%h$
                x = 100%% %(y)s %
                """);
        add(cases, "true false none", """
                [options]
                a = True
                b = False
                c = None
                d = true
                e = TRUE
                """);
        add(cases, "colon delimiter", """
                [options]
                a: 1
                b : 2:3
                c = x:y
                d: e=f
                url=http://host:8069/
                """);
        add(cases, "spaces and tabs around keys", "[options]\n  a  =  1  \n\tb\t=\t2\t\nc d = 3\n");
        add(cases, "empty values", "[options]\na =\nb=\nc = \nd:\n");
        add(cases, "key without value", "[options]\nlonely\n");
        add(cases, "empty name", "[options]\n= x\n");
        add(cases, "comment inside continuation", "[options]\na = 1\n  # c\n  2\n;\n  3\nb = 4\n");
        add(cases, "blank lines in values", "[options]\na = 1\n\n  2\n\n\nb = 3\n\n\n");
        add(cases, "blank line then unindented", "[options]\na = 1\n\nb = 2\n");
        add(cases, "unicode", """
                [options]
                nom = café 日本 😀
                DB_User = Odoo
                İkey = v
                [Section É]
                x = ÿ
                """);
        add(cases, "crlf", "[options]\r\na = 1\r\n  b\r\nc = 2\r\n");
        add(cases, "lone cr", "[options]\ra = 1\r  b\rc = 2");
        add(cases, "no final newline", "[options]\na = 1");
        cases.put("bom", "\ufeff[options]\na = 1\n".getBytes(StandardCharsets.UTF_8));
        add(cases, "duplicate option", "[options]\na = 1\nA = 2\n");
        add(cases, "duplicate section", "[options]\na = 1\n[other]\n[options]\nb = 2\n");
        add(cases, "default semantics", """
                [DEFAULT]
                shared = d
                over = d
                [options]
                over = o
                own = o
                [DEFAULT]
                late = l
                [other]
                """);
        add(cases, "default duplicate option", "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n");
        add(cases, "only default", "[DEFAULT]\na = 1\n");
        add(cases, "missing header", "a = 1\n[options]\n");
        add(cases, "comments before header", "# c\n; c\n\n[options]\na=1\n");
        add(cases, "header oddities", "[options] trailing\na = 1\n[ spaced ]\nb = 2\n[a]b]\nc = 3\n");
        add(cases, "empty header", "[options]\n[]\n");
        add(cases, "indented header continues value", "[options]\na = 1\n  [other]\nb = 2\n");
        add(cases, "indented first option", "[options]\n  a = 1\n    b\n  c = 2\n");
        add(cases, "bracket key", "[options]\n[x=1\n");
        add(cases, "empty", "");
        add(cases, "only comments", "# a\n; b\n\n");
        add(cases, "section case", "[Options]\na = 1\n[options]\nb = 2\n");
        add(cases, "bad line then duplicate", "[options]\nbad line\na = 1\na = 2\n");
        add(cases, "bad line only", "[options]\na = 1\nbad line\n");
        add(cases, "unicode whitespace", "[options]\na =\u00a0x\u00a0\n\u3000b = 2\nc = 3\u2003\n\u000bd = 4\n");
        add(cases, "form feed line", "[options]\na = 1\n\f\n  2\n");
        add(cases, "control chars", "[options]\na = x\u001cy\nb\u0085 = 2\n");
        cases.put("invalid utf8", new byte[] {'[', 'o', ']', '\n', 'a', '=', (byte) 0xff, '\n'});
        cases.put("latin1", "[options]\na = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        compare(cases);
    }

    /** Random files from tokens that exercise every branch of the parser. */
    @Test
    void randomFilesMatchPython() throws IOException {
        String[] tokens = {
            "[options]", "[DEFAULT]", "[other]", "[]", "[a]b]", "a", "B", "key", "=", ":", " ", "  ", "\t", "#", ";",
            "%", "%(x)s", "True", "\n", "\n", "\n", "\r\n", "\r", "\u00a0", "é", "日", "[", "]", "\f", "x y"
        };
        Random random = new Random(20240709L);
        Map<String, byte[]> cases = new LinkedHashMap<>();
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder(i % 3 == 0 ? "" : "[options]\n");
            int n = 1 + random.nextInt(40);
            for (int t = 0; t < n; t++) {
                sb.append(tokens[random.nextInt(tokens.length)]);
            }
            cases.put("random-" + i, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> results = compare(cases);
        long ok = results.values().stream()
                .filter(r -> r.startsWith("{\"ok\":true"))
                .count();
        // the generator must reach both outcomes for the comparison to mean something
        assertThat(ok).isBetween(50L, 550L);
    }

    private static void add(Map<String, byte[]> cases, String name, String text) {
        cases.put(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares every case; returns our canonical result per case. */
    private Map<String, String> compare(Map<String, byte[]> cases) throws IOException {
        List<String> args = new ArrayList<>(List.of("python3", "-c", PYTHON));
        List<Path> files = new ArrayList<>();
        int i = 0;
        for (byte[] content : cases.values()) {
            Path f = dir.resolve("case-" + i++ + ".conf");
            Files.write(f, content);
            files.add(f);
            args.add(f.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessRunner.command(args)
                .env("PYTHONUTF8", "1")
                .stdout(out)
                .timeout(Duration.ofMinutes(2))
                .run();
        List<?> python = JSON.readValue(out.toByteArray(), List.class);
        assertThat(python).hasSize(cases.size());
        Map<String, String> ours = new LinkedHashMap<>();
        i = 0;
        for (String name : cases.keySet()) {
            String expected = JSON.writeValueAsString(python.get(i));
            String actual = JSON.writeValueAsString(ours(files.get(i)));
            assertThat(actual)
                    .as("case '%s': %s", name, new String(cases.get(name), StandardCharsets.UTF_8))
                    .isEqualTo(expected);
            ours.put(name, actual);
            i++;
        }
        return ours;
    }

    private static Map<String, Object> ours(Path file) {
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            OdooConfig c = OdooConfig.parse(file);
            r.put("ok", true);
            r.put("defaults", c.defaults());
            List<List<Object>> sections = new ArrayList<>();
            for (String s : c.sections()) {
                sections.add(List.of(s, c.section(s)));
            }
            r.put("sections", sections);
        } catch (LifeboatException e) {
            assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT);
            assertThat(e.hint()).isNotBlank();
            r.put("ok", false);
            r.put("error", pythonErrorName(e.getMessage()));
        }
        return r;
    }

    private static String pythonErrorName(String message) {
        if (message.contains("duplicate section")) return "DuplicateSectionError";
        if (message.contains("duplicate option")) return "DuplicateOptionError";
        if (message.contains("no section header")) return "MissingSectionHeaderError";
        if (message.contains("cannot parse line")) return "ParsingError";
        if (message.contains("not valid utf-8")) return "UnicodeDecodeError";
        return message;
    }
}
