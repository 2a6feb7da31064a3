package dev.portaltoken.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI documents this server serves, read once from the classpath (module contract/ built
 * them into {@code openapi/}): the served contract as YAML and JSON, and the source documents byte
 * for byte. Immutable, thread-safe.
 */
final class ContractDocuments {
    /** Where the build puts them on the classpath. */
    static final String DIRECTORY = "openapi/";
    static final String CONTRACT_YAML = "portal-token.openapi.yaml";
    static final String CONTRACT_JSON = "portal-token.openapi.json";

    private final String contractYaml;
    private final String contractJson;
    private final Map<String, String> sources;

    private ContractDocuments(String contractYaml, String contractJson, Map<String, String> sources) {
        this.contractYaml = contractYaml;
        this.contractJson = contractJson;
        this.sources = sources;
    }

    /** @throws IllegalStateException when one is missing: the build that made this jar was incomplete */
    static ContractDocuments fromClasspath() {
        Map<String, String> sources = new LinkedHashMap<>();
        for (ServedDocuments.Document source : ServedDocuments.sources()) {
            sources.put(source.file(), read(source.file()));
        }
        return new ContractDocuments(read(CONTRACT_YAML), read(CONTRACT_JSON), Map.copyOf(sources));
    }

    String contractYaml() {
        return contractYaml;
    }

    String contractJson() {
        return contractJson;
    }

    /** A source document by its file name. */
    Optional<String> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    private static String read(String name) {
        try (InputStream in = ContractDocuments.class.getClassLoader().getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + DIRECTORY + name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIRECTORY + name, e);
        }
    }
}
