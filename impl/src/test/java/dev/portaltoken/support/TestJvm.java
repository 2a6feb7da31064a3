package dev.portaltoken.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A separate JVM on this test run's JDK, class path and temporary directory. Stateless. */
public final class TestJvm {
    private TestJvm() {
    }

    /** The command line that runs {@code mainClass} with {@code args}. */
    public static List<String> command(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return command;
    }
}
