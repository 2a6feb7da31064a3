package dev.portaltoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The house keeps the shape issue 14 gave it: small files in every module, a thin bench wrapper, a Layout that tells the pipeline's order. */
class StructureTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Path REPOSITORY = Path.of("..");
    private static final Path API_APPLICATION = MAIN.resolve("dev/portaltoken/http/ApiApplication.java");

    /** Every module's main Java sources (each {@code src/main/java} in the repository), generated ones aside. */
    static List<Path> mainSourceTrees() throws IOException {
        try (Stream<Path> dirs = Files.walk(REPOSITORY, 5)) { // clients/java/src/main/java is the deepest
            return dirs.filter(Files::isDirectory)
                    .filter(d -> d.endsWith(MAIN) && !d.toString().contains("node_modules")
                            && !REPOSITORY.relativize(d).toString().contains("target"))
                    .map(REPOSITORY::relativize).sorted().toList();
        }
    }

    @Test
    void everyModulesMainSourcesAreFound() throws IOException {
        List<Path> trees = mainSourceTrees();
        for (String module : List.of("impl", "contract", "bench", "benchmarks")) {
            assertTrue(trees.contains(Path.of(module).resolve(MAIN)), module + " among " + trees);
        }
    }

    @Test
    void noMainSourceFileIsOver250Lines() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path tree : mainSourceTrees()) {
            try (Stream<Path> files = Files.walk(REPOSITORY.resolve(tree))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    long lines = Files.readAllLines(file).size();
                    if (lines > 250) {
                        over.add(REPOSITORY.relativize(file) + ": " + lines);
                    }
                }
            }
        }
        assertEquals(List.of(), over, "main source files over 250 lines");
    }

    /**
     * No package of a module depends on itself through others (issue 29: keys used token while token
     * used keys). Dependencies are the {@code dev.portaltoken} packages a file imports or names fully
     * qualified; the generated {@code api} packages are leaves.
     */
    @Test
    void noPackageCycle() throws IOException {
        List<String> cycles = new ArrayList<>();
        for (Path tree : mainSourceTrees()) {
            Map<String, Set<String>> uses = new TreeMap<>();
            try (Stream<Path> files = Files.walk(REPOSITORY.resolve(tree))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    Matcher declared = Pattern.compile("(?m)^package ([\\w.]+);").matcher(source);
                    if (!declared.find()) {
                        continue;
                    }
                    String own = declared.group(1);
                    Set<String> used = uses.computeIfAbsent(own, p -> new TreeSet<>());
                    Matcher named = Pattern.compile("\\b(dev\\.portaltoken(?:\\.[a-z]\\w*)*)\\.[A-Z]").matcher(source);
                    while (named.find()) {
                        String other = named.group(1);
                        if (!other.equals(own) && !other.startsWith("dev.portaltoken.api")) {
                            used.add(other);
                        }
                    }
                }
            }
            for (String start : uses.keySet()) {
                List<String> path = cycleThrough(start, start, uses, new ArrayList<>(List.of(start)), new TreeSet<>());
                if (path != null) {
                    cycles.add(tree + ": " + String.join(" -> ", path));
                }
            }
        }
        assertEquals(List.of(), cycles, "package cycles");
    }

    /** A path from {@code at} back to {@code start}, if there is one. */
    private static List<String> cycleThrough(String start, String at, Map<String, Set<String>> uses, List<String> path,
                                             Set<String> seen) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleThrough(start, next, uses, path, seen);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    /** The admin CLI goes through the services the server uses, never a repository (issue 29). */
    @Test
    void theCliUsesNoRepository() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("dev/portaltoken/cli"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher repository = Pattern.compile("\\b\\w+Repository\\b").matcher(Files.readString(file));
                while (repository.find()) {
                    found.add(file.getFileName() + ": " + repository.group());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /**
     * Components run their background work on the threads their lifecycle hands out
     * ({@code util.BackgroundTasks}), never on threads of their own (issue 29). The exceptions own
     * no component's work: the process's heap watch, a child process's output reader, logback's
     * appender (logback starts and stops it) and the signal handler's stop.
     */
    @Test
    void onlyTheLifecycleStartsThreads() throws IOException {
        Set<String> allowed = Set.of("util/BackgroundTasks.java", "util/Lifecycle.java", "util/HeapBudget.java",
                "embedded/PgControl.java", "server/BlockConsoleAppender.java", "cli/GracefulShutdown.java");
        List<String> found = new ArrayList<>();
        Path root = MAIN.resolve("dev/portaltoken");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String name = root.relativize(file).toString();
                Matcher thread = Pattern.compile("new Thread\\(|Executors\\.new|addShutdownHook").matcher(Files.readString(file));
                if (thread.find() && !allowed.contains(name)) {
                    found.add(name + ": " + thread.group());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** The embedded PostgreSQL is its own package behind one public class (issue 29). */
    @Test
    void theEmbeddedPostgresHasOnePublicEntry() throws IOException {
        List<String> publicTypes = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAIN.resolve("dev/portaltoken/embedded"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                if (Pattern.compile("(?m)^public\\s").matcher(Files.readString(file)).find()) {
                    publicTypes.add(file.getFileName().toString());
                }
            }
        }
        assertEquals(List.of("EmbeddedPostgresServer.java"), publicTypes);
    }

    @Test
    void theBenchWrapperStaysThin() throws IOException {
        long lines = Files.readAllLines(Path.of("..", "bench", "run.sh")).size();
        assertTrue(lines <= 150, "bench/run.sh has " + lines + " lines; the driver's work belongs in bench/src");
    }

    /**
     * The Layout paragraph names the classes {@code ApiApplication} registers (its filters, readers,
     * resources and mappers of package {@code http}) in the order it registers them.
     */
    @Test
    void theReadmeLayoutNamesThePipelineInTheOrderApiApplicationRegistersIt() throws IOException {
        List<String> registered = new ArrayList<>();
        Matcher registration = Pattern.compile("(?:register|ContractResources\\.(?:of|authenticated|authenticatedFromRoot))\\(new (\\w+)\\(")
                .matcher(Files.readString(API_APPLICATION));
        while (registration.find()) {
            String name = registration.group(1);
            if (Files.exists(API_APPLICATION.resolveSibling(name + ".java"))) {
                registered.add(name);
            }
        }
        assertTrue(registered.size() >= 10, "the pipeline as registered: " + registered);

        String readme = Files.readString(Path.of("..", "docs", "architecture.md"));
        int layout = readme.indexOf("`http.ApiApplication` registers the request");
        assertTrue(layout >= 0, "docs/architecture.md's Layout describes ApiApplication's pipeline");
        String paragraph = readme.substring(layout, readme.indexOf("\n- ", layout));
        Set<String> named = new LinkedHashSet<>();
        Matcher mention = Pattern.compile("`http\\.(\\w+)").matcher(paragraph);
        while (mention.find()) {
            if (registered.contains(mention.group(1))) {
                named.add(mention.group(1)); // first mention: where it stands in the pipeline
            }
        }
        assertEquals(registered, List.copyOf(named));
    }
}
