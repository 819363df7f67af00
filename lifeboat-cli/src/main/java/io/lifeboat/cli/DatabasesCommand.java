package io.lifeboat.cli;

import io.lifeboat.odoo.DatabaseLister;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat databases}: what Lifeboat sees of an instance. */
@Command(
        name = "databases",
        description = {
            "List the Odoo databases of an instance as Odoo lists them.",
            "Applies list_db, db_name and dbfilter as Odoo does, and shows each database's data_dir and "
                    + "filestore paths."
        })
final class DatabasesCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(names = "--host", paramLabel = "HTTP_HOST", description = "HTTP host name for dbfilter's %%h and %%d.")
    String httpHost;

    @Override
    public Integer call() {
        var inst = instance.instance();
        var dbs = DatabaseLister.list(inst.connection(), DatabaseLister.Options.of(inst), httpHost);
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connection", inst.connection().toString());
            m.put("data_dir", inst.dataDir().toString());
            Map<String, String> fs = new LinkedHashMap<>();
            dbs.forEach(d -> fs.put(d, inst.filestore(d).toString()));
            m.put("databases", fs);
            OutputOptions.printJson(System.out, m);
        } else {
            System.err.printf("server %s, data_dir %s%n", inst.connection(), inst.dataDir());
            dbs.forEach(d -> System.out.printf("%s\t%s%n", d, inst.filestore(d)));
        }
        return ExitCode.OK;
    }
}
