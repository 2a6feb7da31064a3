package dev.portaltoken.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads settings from a {@code .properties} or {@code .yaml}/{@code .yml} file. Keys are the
 * settings' {@link Setting#key() kebab-case names}; in YAML, nested maps join their keys with
 * {@code -} ({@code database: {url: ...}} is {@code database-url}). An unknown key is an error.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    static Map<Setting<?>, String> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<String, String> raw;
        try {
            if (name.endsWith(".properties")) {
                raw = properties(file);
            } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                raw = yaml(file);
            } else {
                throw new ConfigException("config file " + file + ": must end in .properties, .yaml or .yml");
            }
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + ": not found");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read (" + firstLine(e.getMessage()) + ")");
        }
        Map<Setting<?>, String> settings = new HashMap<>();
        raw.forEach((key, value) -> settings.put(setting(file, key), value));
        return settings;
    }

    private static Map<String, String> properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> out.put(k.trim(), properties.getProperty(k).trim()));
        return out;
    }

    private static Map<String, String> yaml(Path file) throws IOException {
        JsonNode root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new ObjectMapper(new YAMLFactory()).readTree(reader);
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return out;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + ": must be a mapping of setting: value");
        }
        flatten(file, "", root, out);
        return out;
    }

    private static void flatten(Path file, String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "-" + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(file, key, value, out);
            } else if (value.isValueNode()) {
                out.put(key, value.isNull() ? "" : value.asText());
            } else {
                throw new ConfigException("config file " + file + ": '" + key + "' must be a single value");
            }
        }
    }

    private static Setting<?> setting(Path file, String key) {
        for (Setting<?> setting : Setting.values()) {
            if (setting.key().equals(key)) {
                return setting;
            }
        }
        throw new ConfigException("config file " + file + ": unknown setting '" + key + "'"
                + Names.didYouMean(key, Setting.values().stream().map(Setting::key).toList()));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
