package io.onceonly.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The options an app starts with, gathered from three places, later ones winning:
 * <ol>
 *   <li>a properties file, named by {@code --config FILE} or the variable {@code ONCE_CONFIG};</li>
 *   <li>environment variables {@code ONCE_<NAME>}: the name lower-cased, {@code __} read as
 *       {@code -} and {@code _} as {@code .} ({@code ONCE_KAFKA_BOOTSTRAP_SERVERS} is
 *       {@code kafka.bootstrap.servers}, {@code ONCE_OUTBOX_COLUMN_BIZ__ID} is
 *       {@code outbox.column.biz-id}); {@code ONCE_CONFIG} and {@code ONCE_LOG_LEVEL} are not options;</li>
 *   <li>command-line arguments {@code --name=value}.</li>
 * </ol>
 */
public final class AppOptions {

    /** Prefix of the environment variables read as options. */
    public static final String ENV_PREFIX = "ONCE_";
    /** Environment variable naming the properties file. */
    public static final String CONFIG_FILE_ENV = "ONCE_CONFIG";
    /** Environment variable read by the apps' logging setup (our loggers' level), not an option. */
    public static final String LOG_LEVEL_ENV = "ONCE_LOG_LEVEL";

    private final Map<String, String> values;
    private final boolean listOptions;
    private final boolean help;

    private AppOptions(Map<String, String> values, boolean listOptions, boolean help) {
        this.values = Map.copyOf(values);
        this.listOptions = listOptions;
        this.help = help;
    }

    /**
     * Reads the file, the environment and the arguments.
     *
     * @throws IllegalArgumentException naming the argument or file that cannot be used
     */
    public static AppOptions load(String[] args, Map<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        String file = env.get(CONFIG_FILE_ENV);
        boolean list = false;
        boolean help = false;
        Map<String, String> fromArgs = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file: --config connector.properties");
                }
                file = args[++i];
            } else if (arg.startsWith("--config=")) {
                file = arg.substring("--config=".length());
            } else if (arg.equals("--list-options")) {
                list = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.startsWith("--") && arg.contains("=")) {
                fromArgs.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("argument '" + arg + "' is not understood: use --config FILE,"
                        + " --name=value, --list-options or --help");
            }
        }
        if (file != null && !file.isBlank()) {
            values.putAll(readFile(Path.of(file)));
        }
        values.putAll(fromEnvironment(env));
        values.putAll(fromArgs);
        return new AppOptions(values, list, help);
    }

    /** Options from {@code ONCE_*} environment variables. */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals(CONFIG_FILE_ENV) && !name.equals(LOG_LEVEL_ENV)
                    && name.length() > ENV_PREFIX.length()) {
                values.put(optionName(name), value);
            }
        });
        return values;
    }

    /** The option an environment variable stands for. */
    public static String optionName(String envName) {
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", "-").replace('_', '.');
    }

    /** The environment variable that sets {@code option}. */
    public static String envName(String option) {
        return ENV_PREFIX + option.replace("-", "__").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> readFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("config file " + path.toAbsolutePath() + " does not exist or is not a file");
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + path.toAbsolutePath(), e);
        }
        Map<String, String> values = new TreeMap<>();
        props.stringPropertyNames().forEach(name -> values.put(name, props.getProperty(name).strip()));
        return values;
    }

    /** All options, by name. */
    public Map<String, String> values() {
        return values;
    }

    /**
     * The app's own options (those not under a pass-through prefix), each checked to be one
     * {@code definition} knows.
     *
     * @param app the app's name, for the message
     * @throws org.apache.kafka.common.config.ConfigException naming an unknown option and where its kind goes
     */
    public Map<String, String> own(org.apache.kafka.common.config.ConfigDef definition, String app, String... passThroughPrefixes) {
        Map<String, String> own = new TreeMap<>();
        values.forEach((name, value) -> {
            for (String prefix : passThroughPrefixes) {
                if (name.startsWith(prefix)) {
                    return;
                }
            }
            if (!definition.names().contains(name)) {
                throw new org.apache.kafka.common.config.ConfigException(name, value, "is not an option of the " + app
                        + "; see --list-options" + (passThroughPrefixes.length == 0 ? ""
                        : " (settings passed through go under " + String.join("*, ", passThroughPrefixes) + "*)"));
            }
            own.put(name, value);
        });
        return own;
    }

    /** Options under {@code prefix}, with the prefix removed ({@code kafka.acks} becomes {@code acks}). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> stripped = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                stripped.put(name.substring(prefix.length()), value);
            }
        });
        return stripped;
    }

    /** Whether {@code --list-options} was given. */
    public boolean listOptions() {
        return listOptions;
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
        return help;
    }
}
