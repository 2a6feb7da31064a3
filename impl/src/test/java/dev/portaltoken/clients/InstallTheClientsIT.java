package dev.portaltoken.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's way to use the generated clients from another project, as pasted: its install command
 * run on a copy of this repository into a Maven repository of its own (fed from the build's, so
 * nothing is downloaded, and nothing is installed where the build's user would find it), then a
 * project of its own for each client, with the README's dependency or npm install line and the
 * committed example, built offline; the TypeScript package also carries the admin API's client.
 */
class InstallTheClientsIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PROPERTY = Pattern.compile("<(compiler-plugin|resources-plugin)\\.version>([^<]+)<");

    @TempDir
    Path work;

    @Test
    void theReadmesCommandInstallsBothClientsAndEachExampleBuildsAgainstThemOffline() throws Exception {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> install = block(readme, "installs both for your", "```sh");
        assertEquals(1, install.size(), install.toString());
        Path copy = copyOfTheRepository(work.resolve("portal-token-server"));
        Path repository = work.resolve("m2");
        Path settings = Files.writeString(work.resolve("settings.xml"), "<settings><mirrors><mirror><id>build</id>"
                + "<mirrorOf>*</mirrorOf><url>" + Path.of(System.getProperty("portal.maven.repo")).toUri()
                + "</url></mirror></mirrors></settings>");
        List<String> maven = List.of("-s", settings.toString(), "-Dmaven.repo.local=" + repository);

        List<String> command = new ArrayList<>(List.of(install.get(0).split(" ")));
        command.addAll(maven);
        run(copy, command);
        Path installed = repository.resolve("dev/portaltoken/portal-token-client-java/0.1.0-SNAPSHOT");
        assertTrue(Files.isRegularFile(installed.resolve("portal-token-client-java-0.1.0-SNAPSHOT.jar")), "installed");
        Path tgz = copy.resolve("clients/typescript/target/portal-token-client-0.1.0-SNAPSHOT.tgz");
        assertTrue(Files.isRegularFile(tgz), "packed");

        // A Java project with the README's dependency and the example, offline.
        Path java = Files.createDirectories(work.resolve("java-consumer/src/main/java"));
        Files.copy(ROOT.resolve("examples/java/MintPortalLink.java"), java.resolve("MintPortalLink.java"));
        Files.writeString(work.resolve("java-consumer/pom.xml"), consumerPom(String.join("\n",
                block(readme, "Add to your `pom.xml`:", "```xml"))));
        List<String> compile = new ArrayList<>(List.of("mvn", "-B", "-q", "-o", "compile"));
        compile.addAll(maven);
        run(work.resolve("java-consumer"), compile);
        assertTrue(Files.isRegularFile(work.resolve("java-consumer/target/classes/MintPortalLink.class")));

        // A TypeScript project with the README's npm install line and the example.
        Path ts = Files.createDirectories(work.resolve("ts-consumer"));
        Files.writeString(ts.resolve("package.json"), "{\"name\": \"consumer\", \"private\": true, \"type\": \"module\"}\n");
        List<String> npmInstall = block(readme, "In your project:", "```sh");
        assertEquals(1, npmInstall.size(), npmInstall.toString());
        List<String> npm = new ArrayList<>(List.of(npmInstall.get(0).replace("/path/to/portal-token-server", copy.toString())
                .split(" ")));
        npm.addAll(List.of("--offline", "--no-audit", "--no-fund"));
        run(ts, npm);
        Files.copy(ROOT.resolve("examples/typescript/mint-portal-link.ts"), ts.resolve("mint-portal-link.ts"));
        Path types = copy.resolve("clients/typescript/node_modules/@types");
        Files.writeString(ts.resolve("tsconfig.json"), "{\"compilerOptions\": {\"target\": \"ES2022\", \"module\":"
                + " \"NodeNext\", \"moduleResolution\": \"NodeNext\", \"lib\": [\"ES2022\", \"DOM\"], \"strict\": true, \"skipLibCheck\": true,"
                + " \"typeRoots\": [\"" + types + "\"], \"types\": [\"node\"]}, \"files\": [\"mint-portal-link.ts\"]}\n");
        run(ts, List.of("node", copy.resolve("clients/typescript/node_modules/typescript/bin/tsc").toString(), "-p", "."));
        assertTrue(Files.isRegularFile(ts.resolve("mint-portal-link.js")));
        String loaded = run(ts, List.of("node", "--input-type=module", "-e",
                "import { CustomersApi, Configuration } from 'portal-token-client';"
                        + " console.log(typeof new CustomersApi(new Configuration({ basePath: 'http://x' })).createPortalToken)"));
        assertEquals("function", loaded.strip());
        String admin = run(ts, List.of("node", "--input-type=module", "-e",
                "import { CustomersApi, Configuration } from 'portal-token-client/admin';"
                        + " console.log(typeof new CustomersApi(new Configuration({ basePath: 'http://x' })).createCustomer)"));
        assertEquals("function", admin.strip(), "the admin API's client, from the same package");
    }

    /** The lines of the first {@code fence} block after the line containing {@code marker}. */
    private static List<String> block(List<String> lines, String marker, String fence) {
        int at = 0;
        while (!lines.get(at).contains(marker)) {
            at++;
        }
        while (!lines.get(at).equals(fence)) {
            at++;
        }
        int end = at + 1;
        while (!lines.get(end).startsWith("```")) {
            end++;
        }
        return lines.subList(at + 1, end);
    }

    private static String consumerPom(String dependency) throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        Map<String, String> versions = new java.util.HashMap<>();
        Matcher m = PROPERTY.matcher(parent);
        while (m.find()) {
            versions.put(m.group(1), m.group(2));
        }
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>consumer</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>%s</version></plugin>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>%s</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dependency, versions.get("compiler-plugin"), versions.get("resources-plugin"));
    }

    /** The repository's sources (no build output, dependencies or history), as a fresh clone has them. */
    private static Path copyOfTheRepository(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path relative = ROOT.relativize(file);
                boolean skipped = false;
                for (Path part : relative) {
                    String name = part.toString();
                    skipped |= name.equals("target") || name.equals("node_modules") || name.equals(".git");
                }
                if (!skipped) {
                    Files.createDirectories(to.resolve(relative).getParent());
                    Files.copy(file, to.resolve(relative), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    /** Runs {@code command} in {@code dir} (at most ten minutes) and returns its stdout; fails unless it exits 0. */
    private static String run(Path dir, List<String> command) throws Exception {
        Path output = Files.createTempFile("install-clients", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false)
                .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS"); // the build's own settings (its repository) are not the user's
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        System.out.printf("%s: %.1f s%n", String.join(" ", command.subList(0, Math.min(4, command.size()))),
                (System.nanoTime() - started) / 1e9);
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + printed);
        return printed;
    }
}
