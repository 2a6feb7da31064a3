package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.Setting;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The first rung of the command ladder (as Dropwizard's ConfiguredCommand): a command that reads the
 * settings, from its setting flags, then the environment, then {@code --config FILE}, then defaults.
 * Its setting flags are not declared here: {@link #withSettingFlags} adds one option per setting
 * the command takes, named, described and documented by the {@link Setting} itself.
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--config", paramLabel = "FILE",
            description = "A .properties or .yaml file of settings (keys as in serve --help).")
    Path configFile;

    /** The settings this command takes as flags; admin commands take the data directory only. */
    List<Setting<?>> settingFlags() {
        return List.of(Setting.DATA_DIR);
    }

    abstract int run(ConfigLoader settings) throws Exception;

    @Override
    public final Integer call() throws Exception {
        Map<Setting<?>, String> given = new HashMap<>();
        for (Setting<?> setting : settingFlags()) {
            String value = spec.findOption(setting.flagName()).getValue();
            if (value != null) {
                given.put(setting, value);
            }
        }
        ConfigLoader settings = new ConfigLoader(given, context().env(), Optional.ofNullable(configFile));
        if (warnsAtOnce()) {
            settings.unknownVariables().forEach(warning -> context().err().println("warning: " + warning));
        }
        return run(settings);
    }

    /**
     * Whether the environment's unknown variables are pointed out (on stderr) before the command
     * runs; {@code serve} logs them itself once its log format is set.
     */
    boolean warnsAtOnce() {
        return true;
    }

    /** Where this run prints and what it reads: held by the root command. */
    Cli.Context context() {
        return ((Cli) spec.root().userObject()).context();
    }

    /** {@code command} with an option for each of its {@link #settingFlags()}. */
    static CommandLine withSettingFlags(ConfiguredCommand command) {
        CommandLine line = new CommandLine(command);
        for (Setting<?> setting : command.settingFlags()) {
            line.getCommandSpec().addOption(OptionSpec.builder(setting.flagName())
                    .paramLabel(setting.env())
                    .type(String.class)
                    .description(setting.help() + " (env " + setting.env() + ")")
                    .build());
        }
        return line;
    }
}
