package io.onceonly.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.onceonly.cli.config.OnceSettings;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * A subcommand that does something (not a group): it takes the options the apps' way and runs in
 * a {@link CliContext}. Returns its exit code: 0 done, 1 not found or refused; configuration errors
 * (exit 2) and failures (exit 1) are thrown and reported by {@link Once}.
 */
public abstract class OnceCommand implements Callable<Integer> {

    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: not found, refused or failed. */
    public static final int FAILED = 1;
    /** Exit code: the command line or an option is wrong. */
    public static final int USAGE = 2;

    protected final CliContext context;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of options (else $ONCE_CONFIG); ONCE_* environment variables, then --name=value arguments win.")
    String configFile;

    // picocli parses the command's own flags; every argument it does not know lands here, the
    // --name=value options the apps' way, read by OnceSettings, which refuses unknown names.
    @Unmatched
    List<String> settings = new ArrayList<>();

    protected OnceCommand(CliContext context) {
        this.context = context;
    }

    /** The options, read now from file, environment and arguments. */
    protected OnceSettings settings() {
        return OnceSettings.load(configFile, settings, context.env());
    }
}
