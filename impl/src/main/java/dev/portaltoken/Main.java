package dev.portaltoken;

import dev.portaltoken.cli.Cli;
import dev.portaltoken.server.LogSetup;
import dev.portaltoken.util.HeapBudget;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Entry point of the jar: the server ({@code serve}) and the admin CLI. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (args.length == 0 || !args[0].equals("serve")) {
            LogSetup.commandLine(System.getenv());
            HeapBudget.watchUnlessSized();
        }
        int exit = Cli.run(args, System.out, System.err, System.getenv());
        if (exit != Cli.KEEP_RUNNING) {
            System.exit(exit);
        }
        // The server runs on its own threads until a signal stops it and exits the JVM.
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
