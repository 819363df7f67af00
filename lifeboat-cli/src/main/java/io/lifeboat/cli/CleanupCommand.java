package io.lifeboat.cli;

import io.lifeboat.restore.Leftovers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat cleanup}: finds and removes what interrupted or killed runs left behind. */
@Command(
        name = "cleanup",
        description = {
            "List and remove what interrupted or killed runs left behind.",
            "Leftovers are temporary databases (*_lbnew_*), restore roles (lifeboat_restore_*), temporary "
                    + "filestore directories and partial files. Those of runs known to be gone (their process no "
                    + "longer runs on this host) are removed; names that only look like leftovers (no record of "
                    + "the run that made them) only with --force."
        })
final class CleanupCommand implements Callable<Integer> {

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only list what would be removed.")
    boolean dryRun;

    @Option(
            names = "--force",
            description =
                    "Also remove leftovers of unknown origin (a run of an older version, or of another host using the same server: make sure none is running).")
    boolean force;

    @Override
    public Integer call() {
        var inst = instance.instance();
        List<Leftovers.Item> found = Leftovers.find(inst.connection(), inst.dataDir());
        List<Leftovers.Item> chosen = new ArrayList<>();
        for (Leftovers.Item i : found) if (i.proven() || force) chosen.add(i);
        List<Leftovers.Item> removed = dryRun ? List.of() : Leftovers.remove(inst.connection(), inst.dataDir(), chosen);
        List<Map<String, Object>> rows = new ArrayList<>();
        int kept = 0;
        for (Leftovers.Item i : found) {
            String action;
            if (removed.contains(i)) action = "removed";
            else if (chosen.contains(i)) action = dryRun ? "would remove" : "could not remove";
            else action = "kept (unknown origin; --force)";
            if (!action.equals("removed") && !action.equals("would remove")) kept++;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", i.type());
            m.put("name", i.name());
            m.put("origin", i.origin());
            m.put("action", action);
            rows.add(m);
        }
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dry_run", dryRun);
            m.put("leftovers", rows);
            OutputOptions.printJson(System.out, m);
        } else if (out.human()) {
            if (rows.isEmpty()) System.err.println("no leftovers");
            for (Map<String, Object> r : rows) {
                System.out.printf(
                        "%-9s %-40s %-16s %s%n", r.get("type"), r.get("name"), r.get("action"), r.get("origin"));
            }
        }
        return kept > 0 ? ExitCode.WARNINGS : ExitCode.OK;
    }
}
