package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Options that mean the same thing have the same name on every command. */
class OptionNamesTest {

    private static CheckCommand parseCheck(String... args) {
        CommandLine cli = Main.commandLine();
        CommandLine.ParseResult r = cli.parseArgs(args);
        return (CheckCommand) r.subcommand().commandSpec().userObject();
    }

    @Test
    void checkTakesJobsLikeRestoreAndKeepsThreadsHidden() {
        assertThat(parseCheck("check", "--jobs", "3").jobs).isEqualTo(3);
        assertThat(parseCheck("check", "-j", "2").jobs).isEqualTo(2);
        assertThat(parseCheck("check", "--threads", "4").threads).isEqualTo(4);

        String usage = Main.commandLine().getSubcommands().get("check").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(usage).contains("--jobs=N").doesNotContain("--threads");
    }
}
