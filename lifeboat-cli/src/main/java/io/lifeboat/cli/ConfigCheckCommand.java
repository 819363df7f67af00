package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.ForgetPolicy;
import io.lifeboat.config.InstanceConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.RepositoryConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lifeboat config check}: reads the configuration file named by {@code lifeboat --config-file},
 * {@code $LIFEBOAT_CONFIG} or the default path, validates it and prints it resolved, secrets as
 * references only.
 */
@Command(
        name = "check",
        description = {
            "Validate the configuration file and print it resolved, secrets hidden.",
            "The file is the one given with lifeboat --config-file FILE, else $" + LifeboatConfig.ENV + ", else "
                    + "/etc/lifeboat/lifeboat.yaml. Paths must exist and secrets must be resolvable; "
                    + "warnings (e.g. a key file every user can read) go to standard error."
        })
final class ConfigCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-i", "--instance"},
            paramLabel = "NAME",
            description = "Print only this instance and its repository.")
    String instance;

    @Option(names = "--json", description = "Print the result as JSON on standard output.")
    boolean json;

    @Override
    public Integer call() {
        LifeboatConfig config = StanzaOptions.readConfig(spec, System.getenv());
        List<InstanceConfig> instances =
                instance == null ? List.copyOf(config.instances().values()) : List.of(config.instance(instance));
        List<RepositoryConfig> repositories = new ArrayList<>();
        for (RepositoryConfig r : config.repositories().values()) {
            if (instance == null || r.name().equals(instances.get(0).repository())) repositories.add(r);
        }
        for (String w : config.warnings()) System.err.println("warning: " + w);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", config.file().toString());
            doc.put("valid", true);
            doc.put("warnings", config.warnings());
            Map<String, Object> rs = new LinkedHashMap<>();
            repositories.forEach(r -> rs.put(r.name(), repositoryJson(r)));
            doc.put("repositories", rs);
            Map<String, Object> is = new LinkedHashMap<>();
            instances.forEach(i -> is.put(i.name(), instanceJson(i)));
            doc.put("instances", is);
            OutputOptions.printJson(System.out, doc);
        } else {
            print(System.out, config, repositories, instances);
        }
        return ExitCode.OK;
    }

    private static void print(
            PrintStream out, LifeboatConfig c, List<RepositoryConfig> repositories, List<InstanceConfig> instances) {
        out.printf(
                "%s is valid: %d repositor%s, %d instance%s%n",
                c.file(),
                c.repositories().size(),
                c.repositories().size() == 1 ? "y" : "ies",
                c.instances().size(),
                c.instances().size() == 1 ? "" : "s");
        for (RepositoryConfig r : repositories) {
            out.printf("%nrepository %s%n", r.name());
            repositoryJson(r).forEach((k, v) -> line(out, k, v));
        }
        for (InstanceConfig i : instances) {
            out.printf("%ninstance %s%n", i.name());
            instanceJson(i).forEach((k, v) -> line(out, k, v));
        }
    }

    private static void line(PrintStream out, String key, Object value) {
        String text = value instanceof Map<?, ?> m
                ? String.join(
                        ", ",
                        m.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .toList())
                : String.valueOf(value);
        out.printf("  %-16s %s%n", key.replace('_', ' '), text);
    }

    /** A repository as printed: present keys only, secrets as {@code env:NAME} / {@code file:PATH}. */
    private static Map<String, Object> repositoryJson(RepositoryConfig r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("location", Lifeboat.redact(r.location()));
        Map<String, String> options = new LinkedHashMap<>(r.options());
        r.secretOptions().forEach((k, s) -> options.put(k, s.toString()));
        if (!options.isEmpty()) m.put("options", options);
        if (r.keyFile() != null) m.put("key_file", r.keyFile().toString());
        if (r.keyPassphrase() != null) m.put("key_passphrase", r.keyPassphrase().toString());
        if (r.writerKeyFile() != null)
            m.put("writer_key_file", r.writerKeyFile().toString());
        return m;
    }

    private static Map<String, Object> instanceJson(InstanceConfig i) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (i.odooConf() != null) m.put("odoo_conf", i.odooConf().toString());
        InstanceConfig.Connection c = i.connection();
        Map<String, Object> conn = new LinkedHashMap<>();
        if (c.host() != null) conn.put("host", c.host());
        if (c.port() != null) conn.put("port", c.port());
        if (c.user() != null) conn.put("user", c.user());
        if (c.password() != null) conn.put("password", c.password().toString());
        if (c.sslmode() != null) conn.put("sslmode", c.sslmode());
        if (!conn.isEmpty()) m.put("connection", conn);
        if (i.dataDir() != null) m.put("data_dir", i.dataDir().toString());
        m.put("database", i.database() == null ? "(the only one)" : i.database());
        m.put("repository", i.repository() == null ? "(none)" : i.repository());
        m.put("retention", retention(Lifeboat.retentionOf(i)));
        m.put("jobs", i.jobs() == null ? "(command default)" : i.jobs());
        if (i.pgBin() != null) m.put("pg_bin", i.pgBin().toString());
        if (i.odooBin() != null) m.put("odoo_bin", i.odooBin().toString());
        return m;
    }

    private static Map<String, Object> retention(ForgetPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p.keepLast() > 0) m.put("keep_last", p.keepLast());
        if (p.keepHourly() > 0) m.put("keep_hourly", p.keepHourly());
        if (p.keepDaily() > 0) m.put("keep_daily", p.keepDaily());
        if (p.keepWeekly() > 0) m.put("keep_weekly", p.keepWeekly());
        if (p.keepMonthly() > 0) m.put("keep_monthly", p.keepMonthly());
        if (p.keepYearly() > 0) m.put("keep_yearly", p.keepYearly());
        if (p.keepWithin() != null) m.put("keep_within", p.keepWithin().toString());
        if (!p.keepTags().isEmpty()) m.put("keep_tags", String.join(" ", p.keepTags()));
        return m;
    }
}
