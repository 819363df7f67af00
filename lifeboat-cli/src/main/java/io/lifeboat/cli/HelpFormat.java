package io.lifeboat.cli;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * How help looks on every command: {@code -h}/{@code --help} everywhere, as wide as the terminal (80
 * columns when there is none), and lines broken only at spaces, so option names, paths and
 * {@code e.g.} stay whole.
 */
final class HelpFormat {
    /** Width when standard output is not a terminal. */
    static final int DEFAULT_WIDTH = 80;

    private HelpFormat() {}

    /** Applies the help format to {@code root} and every command below it. */
    static void apply(CommandLine root) {
        addHelpOption(root);
        root.setHelpFactory(Wrapped::new);
        root.setUsageHelpWidth(DEFAULT_WIDTH);
        root.setUsageHelpAutoWidth(true);
    }

    private static void addHelpOption(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        boolean has = spec.options().stream().anyMatch(OptionSpec::usageHelp);
        if (!has) {
            spec.addOption(OptionSpec.builder("-h", "--help")
                    .usageHelp(true)
                    .description("Show this help and exit.")
                    .build());
        }
        for (CommandLine sub : cli.getSubcommands().values()) addHelpOption(sub);
    }

    /** picocli's help, with a text table that wraps at spaces only. */
    static final class Wrapped extends Help {
        Wrapped(CommandSpec spec, ColorScheme scheme) {
            super(spec, scheme);
        }

        private int width() {
            return commandSpec().usageMessage().width();
        }

        @Override
        public String description(Object... params) {
            TextTable table = new SpaceWrappingTable(colorScheme(), new Column(width(), 0, Column.Overflow.WRAP));
            table.indentWrappedLines = 0;
            for (String line : commandSpec().usageMessage().description()) {
                table.addRowValues(colorScheme().text(format(line, params)));
            }
            return table.toString();
        }

        @Override
        public Layout createDefaultLayout(
                List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
            Layout layout = super.createDefaultLayout(options, positionals, scheme);
            TextTable table = new SpaceWrappingTable(scheme, layout.textTable().columns());
            table.indentWrappedLines = layout.textTable().indentWrappedLines;
            return new Layout(scheme, table, layout.optionRenderer(), layout.parameterRenderer());
        }

        @Override
        public TextTable createTextTable(Map<?, ?> map) {
            TextTable base = super.createTextTable(map);
            if (map == null || map.isEmpty()) return base;
            TextTable table = new SpaceWrappingTable(colorScheme(), base.columns());
            table.indentWrappedLines = base.indentWrappedLines;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                table.addRowValues(text(e.getKey()), text(e.getValue()));
            }
            return table;
        }

        private Text text(Object o) {
            return o instanceof Text t ? t : colorScheme().text(Objects.toString(o, ""));
        }

        private static String format(String s, Object... params) {
            try {
                return String.format(s, params);
            } catch (IllegalFormatException e) {
                return s;
            }
        }
    }

    /**
     * A text table whose wrapping columns break lines at spaces only (picocli's own breaks after dots,
     * colons and hyphens, splitting {@code sftp.known-hosts} or {@code e.g.}). A word longer than the
     * column is left to picocli.
     */
    static final class SpaceWrappingTable extends TextTable {
        private final ColorScheme scheme;

        SpaceWrappingTable(ColorScheme scheme, Column... columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (value == null || column.overflow != Column.Overflow.WRAP) return super.putValue(row, col, value);
            String plain = value.plainString();
            int first = column.width - column.indent;
            if (plain.length() <= first && plain.indexOf('\n') < 0) return super.putValue(row, col, value);
            List<int[]> lines = lines(plain, first, first - indentWrappedLines);
            Cell cell = null;
            int r = row;
            for (int i = 0; i < lines.size(); i++) {
                Text piece = value.substring(lines.get(i)[0], lines.get(i)[1]);
                if (i > 0) {
                    r++;
                    while (r >= rowCount()) addEmptyRow();
                    piece = scheme.text(" ".repeat(indentWrappedLines)).concat(piece);
                }
                cell = super.putValue(r, col, piece);
                r = cell.row;
            }
            return cell;
        }

        /**
         * The lines of {@code s} as {@code [start, end)} ranges: broken at newlines and, to fit, at the
         * last space; the first line holds {@code first} characters, the others {@code next}.
         */
        static List<int[]> lines(String s, int first, int next) {
            List<int[]> out = new ArrayList<>();
            int start = 0;
            int n = s.length();
            while (start <= n) {
                int max = out.isEmpty() ? first : next;
                int newline = s.indexOf('\n', start);
                int hardEnd = newline < 0 ? n : newline;
                int end;
                if (hardEnd - start <= max) {
                    end = hardEnd;
                } else {
                    int space = s.lastIndexOf(' ', start + max);
                    if (space <= start) space = s.indexOf(' ', start + max);
                    end = space < 0 || space > hardEnd ? hardEnd : space;
                }
                out.add(new int[] {start, end});
                if (end >= n) break;
                start = end + 1;
                if (end < hardEnd) {
                    while (start < hardEnd && s.charAt(start) == ' ') start++;
                }
            }
            return out;
        }
    }
}
