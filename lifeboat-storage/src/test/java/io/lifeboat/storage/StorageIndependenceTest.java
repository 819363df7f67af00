package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Storage knows nothing of the rest of Lifeboat: no imports from it, no Odoo. */
final class StorageIndependenceTest {
    private static final Pattern LIFEBOAT_IMPORT =
            Pattern.compile("^\\s*import\\s+(?:static\\s+)?(io\\.lifeboat\\.[\\w.]+)", Pattern.MULTILINE);

    @Test
    void mainSourcesUseOnlyTheStoragePackages() throws IOException {
        List<Path> sources = mainSources();
        List<String> violations = new ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source);
            Matcher m = LIFEBOAT_IMPORT.matcher(text);
            while (m.find()) {
                if (!m.group(1).startsWith("io.lifeboat.storage.")
                        && !m.group(1).equals("io.lifeboat.storage")) {
                    violations.add(source.getFileName() + " imports " + m.group(1));
                }
            }
            if (text.toLowerCase(Locale.ROOT).contains("odoo")) {
                violations.add(source.getFileName() + " mentions Odoo");
            }
        }

        assertThat(sources).hasSizeGreaterThan(10);
        assertThat(violations).isEmpty();
    }

    private static List<Path> mainSources() throws IOException {
        Path root = Path.of("src/main/java");
        if (!Files.isDirectory(root)) {
            root = Path.of("lifeboat-storage/src/main/java");
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
