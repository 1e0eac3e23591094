package io.onceonly.connector.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;

import io.onceonly.runtime.EffectiveConfig;

/**
 * The PostgreSQL driver parameters (TLS among them) that every database connection of the
 * connector gets: its own start-up checks, slot and retention connections, and Debezium's, the
 * replication stream included. They come from the query of {@code database.url}, from
 * {@code debezium.database.ssl*} (Debezium's names for the TLS ones) and from
 * {@code debezium.driver.*} (Debezium's pass-through to the driver). A parameter given in more
 * than one place must have the same value everywhere: a conflict is refused at start, naming
 * both places, rather than letting one connection verify the server and another not.
 */
public final class DriverParameters {

    /** The TLS parameters Debezium's PostgreSQL connector has settings of its own for, as {@code database.<name>}. */
    public static final List<String> TLS = List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslfactory");

    /** The sslmode values the driver and Debezium both accept. */
    static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    static final String DEBEZIUM_DATABASE = "database.";
    private static final String HIDDEN = "[hidden]";
    static final String DEBEZIUM_DRIVER = "driver.";

    // Debezium reads these names from the same settings it hands the driver: given as driver parameters, they would
    // point its connections, and only its, at another host or database, or make every connection a replication one.
    private static final Set<String> REFUSED = Set.of("hostname", "port", "dbname", "replication");

    private final Map<String, String> parameters;

    private DriverParameters(Map<String, String> parameters) {
        this.parameters = Map.copyOf(parameters);
    }

    /**
     * @param url the parsed {@code database.url}
     * @param user {@code database.user}
     * @param password {@code database.password}, empty when not set
     * @param debezium the {@code debezium.*} options, prefix removed
     * @throws ConfigException naming both places of a parameter given twice with different values, or a parameter
     *         that would point Debezium elsewhere
     */
    static DriverParameters of(DatabaseUrl url, String user, String password, Map<String, String> debezium) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        url.parameters().forEach((name, value) -> add(merged, source, name, value,
                ConnectorOptions.DATABASE_URL + " parameter " + name + "=" + shown(name, value)));
        for (String name : TLS) {
            String key = DEBEZIUM_DATABASE + name;
            if (debezium.containsKey(key)) {
                add(merged, source, name, debezium.get(key), ConnectorOptions.DEBEZIUM_PREFIX + key + "=" + shown(name, debezium.get(key)));
            }
        }
        debezium.forEach((key, value) -> {
            if (key.startsWith(DEBEZIUM_DRIVER)) {
                String name = key.substring(DEBEZIUM_DRIVER.length());
                add(merged, source, name, value, ConnectorOptions.DEBEZIUM_PREFIX + key + "=" + shown(name, value));
            }
        });
        // The driver reads user and password from the URL too, over the options: they must agree as well.
        agree(merged, source, "user", user, ConnectorOptions.DATABASE_USER + "=" + user);
        if (!password.isEmpty()) {
            agree(merged, source, "password", password, ConnectorOptions.DATABASE_PASSWORD + "=" + HIDDEN);
        }
        for (String name : merged.keySet()) {
            if (REFUSED.contains(name)) {
                throw new ConfigException(source.get(name) + " is refused: "
                        + (name.equals("replication") ? "Debezium sets it on the replication stream's connection itself, and on every other"
                                + " connection it would turn the start-up checks into replication sessions; remove it"
                                : "Debezium reads it as the " + name + " of its connections; give host, port and database in "
                                        + ConnectorOptions.DATABASE_URL + " (jdbc:postgresql://host:5432/dbname)"));
            }
        }
        String mode = merged.get("sslmode");
        if (mode != null && !SSL_MODES.contains(mode)) {
            throw new ConfigException(source.get("sslmode") + " is not a TLS mode: use one of " + String.join(", ", SSL_MODES)
                    + " (verify-full, with sslrootcert naming the CA that signed the server's certificate, checks both the"
                    + " certificate and the host name)");
        }
        return new DriverParameters(merged);
    }

    private static void add(Map<String, String> merged, Map<String, String> source, String name, String value, String where) {
        agree(merged, source, name, value, where);
        merged.put(name, value);
        source.putIfAbsent(name, where);
    }

    private static void agree(Map<String, String> merged, Map<String, String> source, String name, String value, String where) {
        String before = merged.get(name);
        if (before != null && !before.equals(value)) {
            throw new ConfigException(where + " conflicts with " + source.get(name) + ": every connection of the connector,"
                    + " Debezium's replication stream included, gets the same driver parameters, so give " + name
                    + " one value, in one place (" + ConnectorOptions.DATABASE_URL + "'s query is the usual one)");
        }
    }

    private static String shown(String name, String value) {
        return EffectiveConfig.isSecret(name) ? HIDDEN : value;
    }

    /** Every parameter by its driver name, whatever place it was given in. */
    public Map<String, String> all() {
        return parameters;
    }

    /** What the connector's own connections hand the driver: the parameters, the user and the password. */
    public Properties jdbc(String user, String password) {
        Properties p = new Properties();
        parameters.forEach(p::setProperty);
        p.setProperty("user", user);
        // An empty password is still sent, as before: the server answers it with a clear authentication error.
        if (!password.isEmpty() || !parameters.containsKey("password")) {
            p.setProperty("password", password);
        }
        return p;
    }

    /**
     * The parameters as Debezium settings: the TLS ones under Debezium's own names ({@code database.sslmode}, which
     * it checks), every other one through its driver pass-through ({@code driver.<name>}). Debezium merges both into
     * what each of its connections hands the driver, the replication stream's included.
     */
    public Map<String, String> debezium() {
        Map<String, String> d = new LinkedHashMap<>();
        parameters.forEach((name, value) -> d.put((TLS.contains(name) ? DEBEZIUM_DATABASE : DEBEZIUM_DRIVER) + name, value));
        return d;
    }
}
