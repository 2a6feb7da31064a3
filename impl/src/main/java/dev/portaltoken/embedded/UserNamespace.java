package dev.portaltoken.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether PostgreSQL's tools must run in a user namespace of their own: they refuse to run as root
 * (containers, CI), and {@code unshare -U} lets them while the files they make still belong to this
 * user, as zonky runs them. Decided once per process.
 *
 * <p>Replaces zonky's {@code LinuxUtils}, whose class initializer also copies a distribution-detection
 * script into the temporary directory and leaves it there whenever the process does not exit normally.
 */
final class UserNamespace {

    private static final boolean NEEDED = decide();

    private UserNamespace() {
    }

    /** True when tools are to be started as {@code unshare -U <tool> ...}. */
    static boolean needed() {
        return NEEDED;
    }

    private static boolean decide() {
        try {
            if (!System.getProperty("os.name", "").startsWith("Linux")
                    || ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) != 0) {
                return false;
            }
            Process process = new ProcessBuilder("unshare", "-U", "true")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
