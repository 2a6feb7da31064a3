package dev.portaltoken.cli;

import dev.portaltoken.auth.Caller;
import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Names;
import dev.portaltoken.config.Urls;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.keys.TokenRejectedException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds the command tree explicitly and runs it. Every failure ends as one line on stderr and a
 * non-zero exit: 1 for a refused operation, 2 for a misused command line.
 */
@Command(name = "portal-token-server", mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = "Meteroid-compatible portal-token server and its admin CLI.",
        footer = {"%nExample:", "  portal-token-server serve --demo"})
public final class Cli implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);
    /** Returned by {@code serve}: the server runs on and the JVM must not exit. */
    public static final int KEEP_RUNNING = -1;

    private final Context context;
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Cli(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * @param env the environment to read settings from (tests pass their own)
     * @return the exit code, or {@link #KEEP_RUNNING} when a server was started
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, System.in, out, err, env, System.console() != null);
    }

    /**
     * @param in          what {@code -} arguments read (a token on standard input)
     * @param interactive whether a person watches a terminal (progress lines are shown then)
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                          boolean interactive) {
        Context context = new Context(in, out, err, env, interactive);
        CommandLine cli = tree(context, args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage() + suggestions(e) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            LOG.debug("{} failed", commandLine.getCommandSpec().qualifiedName(), e);
            err.println("error: " + Urls.withoutPassword(message(e))); // a driver's message may quote the URL
            return 1;
        });
        return cli.execute(args);
    }

    /** Every command, built explicitly (no scanning). */
    static CommandLine tree(Context context) {
        return tree(context, new String[0]);
    }

    /**
     * The tree {@code args} are parsed against: when the first argument names a command, the root
     * with that command alone, since building a command's model (picocli reflects on every option of
     * it) takes a fifth of a second for the whole tree in a fresh JVM, every admin command's and every
     * server's launch included; otherwise (no command, an option, a misspelt command) every command,
     * for the root's help and suggestions.
     */
    static CommandLine tree(Context context, String[] args) {
        Map<String, Supplier<CommandLine>> commands = commands();
        CommandLine root = new CommandLine(new Cli(context));
        Supplier<CommandLine> named = args.length == 0 ? null : commands.get(args[0]);
        if (named != null) {
            return root.addSubcommand(named.get());
        }
        commands.values().forEach(command -> root.addSubcommand(command.get()));
        return root;
    }

    /** The top-level commands by name, in the order help lists them. */
    static Map<String, Supplier<CommandLine>> commands() {
        Map<String, Supplier<CommandLine>> commands = new LinkedHashMap<>();
        commands.put("serve", () -> {
            CommandLine serve = ConfiguredCommand.withSettingFlags(new ServeCommand());
            serve.getCommandSpec().usageMessage().footer(ServeCommand.settingsHelp());
            return serve;
        });
        commands.put("tenant", () -> group(new TenantCommand(), new TenantCommand.List(), new TenantCommand.Create(),
                new TenantCommand.Update()));
        commands.put("api-key", () -> group(new ApiKeyCommand(), new ApiKeyCommand.List(), new ApiKeyCommand.Create(),
                new ApiKeyCommand.Revoke()));
        commands.put("customer", () -> {
            CommandLine customers = group(new CustomerCommand(), new CustomerCommand.List(),
                    new CustomerCommand.Create(), new CustomerCommand.Update(), new CustomerCommand.Archive(),
                    new CustomerCommand.Unarchive(), new CustomerCommand.Import(), new CustomerCommand.RevokeTokens(),
                    new MeteroidCommand.Sync());
            for (String oneCustomer : new String[] {"update", "archive", "unarchive", "revoke-tokens"}) {
                customers.getSubcommands().get(oneCustomer).setUnmatchedOptionsArePositionalParams(true);
            }
            return customers;
        });
        commands.put("portal-key", () -> OperatorKeyCommand.group(Caller.Kind.PORTAL));
        commands.put("admin-key", () -> OperatorKeyCommand.group(Caller.Kind.ADMIN));
        commands.put("meteroid", () -> group(new MeteroidCommand(), new MeteroidCommand.Connect(),
                new MeteroidCommand.Status()));
        commands.put("keys", () -> {
            CommandLine keys = group(new KeysCommand(), new KeysCommand.ListKeys(), new KeysCommand.Rotate(),
                    new KeysCommand.Retire());
            // A kid (a base64url JWK thumbprint) and an alias may start with '-': that is the value, not an option.
            keys.getSubcommands().get("retire").setUnmatchedOptionsArePositionalParams(true);
            return keys;
        });
        commands.put("token", () -> group(new TokenCommand(), new TokenCommand.Verify(), new TokenCommand.Revoke()));
        return commands;
    }

    private static CommandLine group(CommandGroup group, ConfiguredCommand... commands) {
        CommandLine line = new CommandLine(group);
        for (ConfiguredCommand command : commands) {
            line.addSubcommand(ConfiguredCommand.withSettingFlags(command));
        }
        return line;
    }

    /**
     * What a mistyped command or option was probably meant to be ({@code tenant lst}: {@code list}):
     * the closest name by the configuration's rule, else picocli's suggestions.
     */
    private static String suggestions(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return "";
        }
        CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
        java.util.Collection<String> names = unmatched.isUnknownOption() ? spec.optionsMap().keySet()
                : spec.subcommands().keySet();
        java.util.List<String> candidates = Names.closest(unmatched.getUnmatched().get(0), names)
                .map(java.util.List::of).orElse(unmatched.getSuggestions());
        return candidates.isEmpty() ? "" : candidates.stream().limit(3).map(s -> "'" + s + "'")
                .collect(java.util.stream.Collectors.joining(" or ", " (did you mean ", "?)"));
    }

    private static String message(Exception e) {
        if (e instanceof Failure || e instanceof ConfigException || e instanceof TokenRejectedException) {
            return e.getMessage();
        }
        // The driver's words, whoever wraps them (the pool's "Failed to initialize pool: ..." among them).
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return "database: " + firstLine(sql.getMessage());
            }
        }
        Throwable shown = e;
        // An exception that only wraps another (new UncheckedIOException(e)) has the other's class name in its message.
        while (shown.getCause() != null && String.valueOf(shown.getMessage()).equals(shown.getCause().toString())) {
            shown = shown.getCause();
        }
        return firstLine(String.valueOf(shown.getMessage()));
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * What every command shares: where to print, the environment, and whether a person is watching
     * (a terminal), which decides progress lines.
     */
    record Context(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean interactive) {
    }

    /** The name and version of this build, e.g. {@code portal-token-server 0.1.0}. */
    static String version() {
        String version = Cli.class.getPackage().getImplementationVersion();
        return "portal-token-server " + (version == null ? "dev" : version);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
