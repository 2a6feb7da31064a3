package dev.portaltoken.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;

/**
 * Writes the bash/zsh completion script of the whole command tree (picocli's {@link AutoComplete}),
 * for the command name {@code portal-token-server}. Run by the build: {@code
 * impl/target/portal-token-server_completion}.
 */
public final class CompletionScript {
    static final String COMMAND = "portal-token-server";

    private CompletionScript() {
    }

    /** The script's text. */
    static String script() {
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        return AutoComplete.bash(COMMAND, Cli.tree(new Cli.Context(java.io.InputStream.nullInputStream(), nowhere, nowhere, Map.of(), false)));
    }

    /** @param args the file to write */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CompletionScript OUTPUT_FILE");
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, script(), StandardCharsets.UTF_8);
    }
}
