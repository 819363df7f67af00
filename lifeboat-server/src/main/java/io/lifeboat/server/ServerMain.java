package io.lifeboat.server;

import io.lifeboat.LifeboatException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a server until the process is stopped (SIGTERM, Ctrl-C): {@code java -cp … io.lifeboat.server.ServerMain
 * server.yaml}. {@code lifeboat server} does the same from the CLI.
 */
public final class ServerMain {
    private ServerMain() {}

    /** Starts the server of a configuration file and blocks until the JVM shuts down. */
    public static void run(Path config, java.io.PrintStream out) throws InterruptedException {
        ServerConfig c = ServerConfig.load(config);
        LifeboatServer server = LifeboatServer.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "lifeboat-server-stop"));
        out.println(
                "lifeboat server " + c.serverName() + " listening on http://" + c.listenHost() + ":" + server.port());
        out.flush();
        stopped.await();
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: ServerMain CONFIG.yaml");
            System.exit(2);
        }
        try {
            run(Path.of(args[0]), System.out);
        } catch (LifeboatException e) {
            System.err.println("error: " + e.getMessage() + (e.hint() == null ? "" : "\n" + e.hint()));
            System.exit(e.kind() == LifeboatException.Kind.USAGE ? 2 : 1);
        }
    }
}
