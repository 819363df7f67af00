package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How a new repository snapshot is labelled: {@code --instance}, {@code --tag}. */
public final class SnapshotMetaOptions {

    @Option(
            names = "--instance",
            paramLabel = "NAME",
            description = "Instance name recorded in the snapshot; retention groups by instance and database"
                    + " (default: the --stanza name, else this machine's name).")
    String instance;

    @Option(
            names = "--tag",
            paramLabel = "TAG",
            description = "Tag the snapshot (repeatable); forget --keep-tag keeps tagged snapshots.")
    List<String> tags = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The instance name given: {@code --instance}, else the {@code --stanza} name; null when neither. */
    String named() {
        if (instance != null) return instance;
        StanzaOptions s = StanzaOptions.of(mixee);
        return s != null && s.name() != null ? s.name() : null;
    }

    /** The instance name given, else this machine's name. */
    String instance() {
        String n = named();
        return n != null ? n : Lifeboat.machineName();
    }

    List<String> tags() {
        return List.copyOf(tags);
    }
}
