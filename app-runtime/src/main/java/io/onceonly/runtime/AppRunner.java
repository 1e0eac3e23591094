package io.onceonly.runtime;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a deployable app from its command line to its exit code: options from file,
 * environment and arguments; {@code --help} and {@code --list-options}; start; run until SIGTERM
 * or SIGINT, or until the app fails; an orderly stop.
 *
 * <p>Exit codes: 0 after a clean stop on a signal, 1 when the app failed or could not hand over
 * its work at the stop, 2 for a configuration error (the message names the option), a Kafka login
 * refused at the start included ({@link KafkaRefusal}: user, password, trust store).
 */
public final class AppRunner {

    private static final Logger LOG = LoggerFactory.getLogger(AppRunner.class);
    private static final String KAFKA_PREFIX = "kafka.";

    /** A started app. */
    public interface Running extends AutoCloseable {
        /** Non-null once the app can no longer do its work: why. Polled every second. */
        String failure();

        /** The orderly stop; returns within the app's documented bound, also while its servers are down. */
        @Override
        void close();

        /**
         * After {@link #close()}: null when everything was handed over (flushed, committed), else
         * what was not. A non-null answer makes the exit code 1 after a signal.
         */
        default String unfinishedAtStop() {
            return null;
        }
    }

    /** Starts the app from its options. */
    @FunctionalInterface
    public interface Starter {
        /**
         * @throws ConfigException or {@link IllegalArgumentException} for a bad option (exit code 2)
         */
        Running start(AppOptions options) throws Exception;
    }

    private final String usage;
    private final ConfigDef definition;
    private final List<String[]> passThrough;

    /**
     * @param usage the first lines of {@code --help}: what the app does and how it is called
     * @param passThrough the option families passed through, for the option table
     */
    public AppRunner(String usage, ConfigDef definition, List<String[]> passThrough) {
        this.usage = usage;
        this.definition = definition;
        this.passThrough = List.copyOf(passThrough);
    }

    /** Runs the app to its end; returns the exit code. */
    public int run(String[] args, Map<String, String> env, Starter starter, PrintStream out, PrintStream err) {
        Running app;
        AppOptions options = null;
        try {
            options = AppOptions.load(args, env);
            if (options.help() || options.listOptions()) {
                out.println(usage + "\nOptions come from FILE (or $" + AppOptions.CONFIG_FILE_ENV + "), then "
                        + AppOptions.ENV_PREFIX + "* environment variables, then --option=value arguments.\n");
                if (options.listOptions()) {
                    out.print(OptionsTable.markdown(definition, passThrough));
                }
                return 0;
            }
            app = starter.start(options);
        } catch (ConfigException | IllegalArgumentException e) {
            // A refused value is quoted in the message: it may be a secret, or a URL that carries one.
            err.println("Configuration error: " + EffectiveConfig.hideInMessage(String.valueOf(e.getMessage())));
            return 2;
        } catch (Exception e) {
            // A refused login or a missing ACL is not passed by retrying: one sentence with the fix, no stack trace.
            Optional<KafkaRefusal> refusal = KafkaRefusal.in(e, options == null ? Map.of() : options.withPrefix(KAFKA_PREFIX));
            if (refusal.isPresent() && refusal.get().login()) {
                err.println("Configuration error: " + EffectiveConfig.hideInMessage(refusal.get().message()));
                return 2;
            }
            if (refusal.isPresent()) {
                LOG.error("could not start: {}", EffectiveConfig.hideInMessage(refusal.get().message()));
            } else {
                LOG.error("could not start: {}", EffectiveConfig.hideInside(traceOf(e)));
            }
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onTermination(stop::countDown);
        int code;
        try {
            code = 0;
            while (!stop.await(1, TimeUnit.SECONDS)) {
                String failure = app.failure();
                if (failure != null) {
                    LOG.error("stopping: {}", EffectiveConfig.hideInside(failure));
                    code = 1;
                    break;
                }
            }
            if (code == 0) {
                LOG.info("stop requested");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 1;
        } finally {
            app.close();
        }
        String unfinished = app.unfinishedAtStop();
        if (unfinished != null) {
            LOG.error("stopped without handing everything over: {}", EffectiveConfig.hideInside(unfinished));
            return 1;
        }
        return code;
    }

    // The whole trace as text, so that secrets in any message of its causes are hidden before it is logged.
    private static String traceOf(Exception e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
