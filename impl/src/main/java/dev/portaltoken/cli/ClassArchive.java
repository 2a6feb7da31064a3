package dev.portaltoken.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.portaltoken.api.model.CustomerPortalTokenResponse;
import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.http.Json;
import dev.portaltoken.server.LogSetup;
import dev.portaltoken.server.PortalTokenServer;
import dev.portaltoken.util.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data archive of the production launch (docs/operations.md, "Faster start-up: a
 * class-data archive"): Java 17 maps the classes a training run loaded from one file instead of
 * loading and verifying them one by one, which takes about a third off the time to the first token.
 *
 * <p>{@code serve --training-run}, run under {@code java -XX:ArchiveClassesAtExit=FILE}, starts the
 * server with the given settings on a throwaway embedded database in a new temporary directory, a
 * free local port and a key encryption key of its own, sends it what an instance answers first (a
 * portal token minted from cold caches and again from warm ones, its introspection, the JWKS, the
 * health checks), stops it in order and deletes the directory; the JVM writes FILE as it exits. A
 * later {@code serve} under {@code -XX:SharedArchiveFile=FILE} that maps no class data at all (the JVM
 * passes over a missing file silently, and then shares none, not even the JDK's own) says so once at
 * start-up; one made for another jar file or JDK the JVM reports itself.
 */
final class ClassArchive {
    private static final Logger LOG = LoggerFactory.getLogger(ClassArchive.class);
    static final String DOCS = "docs/operations.md, \"Faster start-up: a class-data archive\"";

    private ClassArchive() {
    }

    /** The training run; exit status 0 once the server it started has stopped. */
    static int train(ConfigLoader settings, Cli.Context context) throws IOException {
        String archive = vmOption("ArchiveClassesAtExit");
        if (!archive.isEmpty()) {
            quietArchiving();
        }
        ServerConfig given = settings.load();
        if (!given.database().embedded()) {
            throw new ConfigException("--training-run runs on a throwaway embedded database; unset DATABASE_URL");
        }
        if (archive.isEmpty()) {
            throw new ConfigException("--training-run makes a class-data archive, and this JVM writes none: run it"
                    + " as 'java -XX:ArchiveClassesAtExit=portal-token-server.jsa [JVM options] -jar"
                    + " portal-token-server.jar serve --training-run' (" + DOCS + ")");
        }
        Path dir = Files.createTempDirectory("ptt"); // short: the embedded database's socket path has a limit
        try {
            byte[] keyEncryptionKey = new byte[SigningConfig.KEY_ENCRYPTION_KEY_BYTES]; // as production sets one
            new SecureRandom().nextBytes(keyEncryptionKey);
            Map<Setting<?>, String> local = new HashMap<>(Map.of(Setting.DATA_DIR, dir.toString(), Setting.HOST,
                    "127.0.0.1", Setting.PORT, "0", Setting.KEY_ENCRYPTION_KEY,
                    Base64.getEncoder().encodeToString(keyEncryptionKey)));
            if (given.managementPort().isPresent()) {
                local.put(Setting.MANAGEMENT_PORT, "0");
            }
            ServerConfig config = settings.with(local).load();
            LogSetup.apply(config.logFormat());
            try (PortalTokenServer server = PortalTokenServer.start(config)) {
                exercise(server, Demo.ensure(config.database()).apiKey());
            }
        } finally {
            Directories.deleteTree(dir);
        }
        context.out().println("training run done; the JVM writes the class-data archive " + archive + " as it exits");
        return 0;
    }

    /** The warning for a {@code serve} whose JVM was given an archive it does not use, if so. */
    static Optional<String> notInUse() {
        String file = vmOption("SharedArchiveFile");
        if (file.isEmpty() || System.getProperty("java.vm.info", "").contains("sharing")) {
            return Optional.empty();
        }
        return Optional.of("the JVM was given the class-data archive -XX:SharedArchiveFile=" + file
                + " and maps no class data at all (is the file there and readable?), so start-up is slower than"
                + " without the option; make it with serve --training-run (" + DOCS + ")");
    }

    /**
     * As it writes the archive, the JVM notes every class it leaves out, a warning line each: about 200,
     * picocli's among them (built for Java 5, older than the archive supports). Unless the launch set
     * the {@code cds} log itself ({@code -Xlog:cds...}), only its errors are shown.
     */
    private static void quietArchiving() {
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(argument -> argument.startsWith("-Xlog") && argument.contains("cds"))) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmLog", new Object[] {new String[] {"output=stdout", "what=cds=error"}},
                    new String[] {String[].class.getName()});
        } catch (JMException e) {
            LOG.debug("the archive's notes stay on: the JVM's log could not be set", e);
        }
    }

    private static String vmOption(String name) {
        return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
    }

    private static void exercise(PortalTokenServer server, String apiKey) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = server.baseUri();
        URI management = server.managementUri();
        ObjectMapper json = Json.mapper();
        String token = "";
        for (int i = 0; i < 2; i++) { // cold caches, then warm ones
            String minted = send(client, post(base.resolve("api/v1/customers/" + Demo.CUSTOMER_ALIAS + "/portal-token"),
                    apiKey, "{}"));
            token = read(json, minted, CustomerPortalTokenResponse.class).getToken();
        }
        String introspection = write(json, Map.of("token", token));
        for (int i = 0; i < 2; i++) {
            send(client, post(base.resolve("api/v1/portal-tokens/introspect"), apiKey, introspection));
        }
        send(client, HttpRequest.newBuilder(base.resolve(".well-known/jwks.json")));
        send(client, HttpRequest.newBuilder(management.resolve("healthz")));
        send(client, HttpRequest.newBuilder(management.resolve("readyz")));
    }

    private static <T> T read(ObjectMapper json, String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the training run could not read an answer as " + type.getSimpleName(), e);
        }
    }

    private static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the training run could not write a request body", e);
        }
    }

    private static HttpRequest.Builder post(URI uri, String apiKey, String json) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** The body of a 200; anything else stops the run (naming the path, never the key or a token). */
    private static String send(HttpClient client, HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the training run's " + built.method() + " " + built.uri().getPath()
                        + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("the training run's " + built.method() + " " + built.uri().getPath()
                    + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the training run", e);
        }
    }
}
