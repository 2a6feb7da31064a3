package dev.portaltoken.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.CliRun;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's {@code --help} ends with an example of that very command. */
class CliHelpTest {

    private static List<List<String>> commandPaths(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> longer = new ArrayList<>(path);
                longer.add(name);
                commandPaths(sub, longer, into);
            }
        });
        return into;
    }

    @Test
    void everyHelpEndsWithAnExampleOfItsCommand() {
        CommandLine tree = Cli.tree(new Cli.Context(java.io.InputStream.nullInputStream(), new PrintStream(PrintStream.nullOutputStream()),
                new PrintStream(PrintStream.nullOutputStream()), Map.of(), false));
        List<List<String>> paths = commandPaths(tree, List.of(), new ArrayList<>());
        assertTrue(paths.size() >= 20, "the whole tree is walked: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun.Result help = CliRun.run(Map.of(), args.toArray(String[]::new));
            assertEquals(0, help.exit(), help::toString);
            String[] lines = help.out().strip().split("\n");
            assertEquals("Example:", lines[lines.length - 2].strip(), () -> String.join(" ", path) + ":\n" + help.out());
            String example = lines[lines.length - 1].strip();
            String command = String.join(" ", path);
            assertTrue(example.contains("portal-token-server " + command),
                    () -> "the example of '" + command + "' shows that command: " + example + " / " + Arrays.toString(lines));
        }
    }

    /** A kid is base64url and may start with '-' (1 in 64): {@code keys retire} must take it as the kid. */
    @Test
    void aKidThatStartsWithADashIsTheKidNotAnOption() {
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        CommandLine tree = Cli.tree(new Cli.Context(java.io.InputStream.nullInputStream(), nowhere, nowhere, Map.of(),
                false));
        CommandLine.ParseResult parsed = tree.parseArgs("keys", "retire", "-Gql4Ycj2h8kbd3UNAFn1z_a0Qx2Oa4jdRj1J6");
        KeysCommand.Retire retire = (KeysCommand.Retire) parsed.subcommand().subcommand().commandSpec().userObject();
        assertEquals("-Gql4Ycj2h8kbd3UNAFn1z_a0Qx2Oa4jdRj1J6", retire.kid);
        CommandLine.ParseResult withConfig = Cli.tree(new Cli.Context(java.io.InputStream.nullInputStream(), nowhere,
                nowhere, Map.of(), false)).parseArgs("keys", "retire", "--config", "x.properties", "_abc");
        assertEquals("_abc", ((KeysCommand.Retire) withConfig.subcommand().subcommand().commandSpec().userObject()).kid,
                "known options are still options");
        CommandLine.ParseResult alias = Cli.tree(new Cli.Context(java.io.InputStream.nullInputStream(), nowhere,
                nowhere, Map.of(), false)).parseArgs("customer", "archive", "--tenant", "acme", "-42-b");
        assertEquals("-42-b", ((CustomerCommand.Archive) alias.subcommand().subcommand().commandSpec().userObject())
                .idOrAlias, "an alias may start with '-' too");
    }

    /**
     * A command line naming a command is parsed against the root and that command alone: the same
     * command as in the whole tree, every subcommand and option of it, under the name it is found by.
     */
    @Test
    void aNamedCommandIsBuiltAloneAndWhole() {
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        Cli.Context context = new Cli.Context(java.io.InputStream.nullInputStream(), nowhere, nowhere, Map.of(), false);
        CommandLine whole = Cli.tree(context);
        assertEquals(List.copyOf(Cli.commands().keySet()), whole.getSubcommands().keySet().stream()
                .filter(name -> !name.equals("help")).toList(), "each command is found by its own name, in order");
        for (String name : Cli.commands().keySet()) {
            CommandLine alone = Cli.tree(context, new String[] {name, "--help"});
            assertEquals(List.of(name), List.copyOf(alone.getSubcommands().keySet()));
            List<List<String>> paths = commandPaths(alone.getSubcommands().get(name), List.of(), new ArrayList<>());
            assertEquals(commandPaths(whole.getSubcommands().get(name), List.of(), new ArrayList<>()), paths, name);
            assertEquals(whole.getSubcommands().get(name).getCommandSpec().optionsMap().keySet(),
                    alone.getSubcommands().get(name).getCommandSpec().optionsMap().keySet(), name);
        }
        assertEquals(whole.getSubcommands().keySet(), Cli.tree(context, new String[] {"tenat", "list"})
                .getSubcommands().keySet(), "a misspelt command is parsed against every command, for suggestions");
        assertEquals(whole.getSubcommands().keySet(), Cli.tree(context, new String[] {"--help"})
                .getSubcommands().keySet());
    }
}
