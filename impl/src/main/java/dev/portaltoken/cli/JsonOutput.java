package dev.portaltoken.cli;

import picocli.CommandLine.Option;

/** The {@code --json} option of the list commands. */
final class JsonOutput {
    @Option(names = "--json", description = "One JSON array of objects, nothing else.")
    boolean json;
}
