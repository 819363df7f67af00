package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man pages and bash completion the release build ships, generated from the command tree. */
class ReleaseDocsTest {

    @TempDir
    Path dir;

    @Test
    void writesOneManPagePerCommandAndTheCompletion() throws IOException {
        int pages = ReleaseDocs.write(dir, "1.2.3");

        List<String> names;
        try (Stream<Path> s = Files.list(dir.resolve("man1"))) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        long commands = HelpTest.commands().count();
        assertThat(pages).isEqualTo(commands);
        assertThat(names)
                .hasSize((int) commands)
                .contains("lifeboat.1", "lifeboat-backup.1", "lifeboat-repo-init.1", "lifeboat-config-check.1");

        String backup = Files.readString(dir.resolve("man1/lifeboat-backup.1"));
        assertThat(backup)
                .contains(".TH \"LIFEBOAT-BACKUP\" 1 \"\" \"lifeboat 1.2.3\" \"Lifeboat Manual\"")
                .contains(".SH NAME\nlifeboat\\-backup \\- ")
                .contains(".SH SYNOPSIS", ".SH OPTIONS", ".B \\-d, \\-\\-database \\fI<database>\\fR")
                .contains(".BR lifeboat (1)");
        String root = Files.readString(dir.resolve("man1/lifeboat.1"));
        assertThat(root).contains(".SH COMMANDS", ".B config", "See \\fBlifeboat\\-config\\fR(1).");
        try (Stream<Path> s = Files.list(dir.resolve("man1"))) {
            for (Path p : s.toList()) {
                String page = Files.readString(p);
                assertThat(page.chars()).as("%s is ASCII", p).allMatch(c -> c < 128);
                for (String line : page.split("\n")) {
                    if (line.startsWith(".") || line.startsWith("'")) {
                        assertThat(line)
                                .as("%s: a request line", p)
                                .matches("\\.(\\\\\"|TH|SH|PP|TP|B|I|BR|nf|fi)( .*)?");
                    }
                }
            }
        }

        String completion = Files.readString(dir.resolve("bash-completion/lifeboat"));
        assertThat(completion)
                .contains("complete -F _complete_lifeboat")
                .contains("config", "backup", "restore", "--config-file");
    }

    @Test
    void escapesTroffSpecials() {
        assertThat(ReleaseDocs.escape(".hidden -x a\\b ≥")).isEqualTo("\\&.hidden \\-x a\\eb \\[u2265]");
    }
}
