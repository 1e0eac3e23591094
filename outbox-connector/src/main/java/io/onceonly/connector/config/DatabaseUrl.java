package io.onceonly.connector.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigException;

import io.onceonly.runtime.EffectiveConfig;

/**
 * The {@code database.url} option taken apart: host, port and database, which Debezium takes as
 * settings of their own, and the query's driver parameters ({@code ?sslmode=verify-full&...}),
 * decoded as the PostgreSQL driver decodes them.
 */
public final class DatabaseUrl {

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]+)(?:\\?(.*))?");

    private final String url;
    private final String host;
    private final int port;
    private final String database;
    private final Map<String, String> parameters;

    private DatabaseUrl(String url, String host, int port, String database, Map<String, String> parameters) {
        this.url = url;
        this.host = host;
        this.port = port;
        this.database = database;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * @throws ConfigException naming {@code database.url} when it is not a PostgreSQL JDBC URL
     */
    public static DatabaseUrl parse(String url) {
        Matcher m = JDBC_URL.matcher(url);
        if (!m.matches()) {
            throw new ConfigException(ConnectorOptions.DATABASE_URL, EffectiveConfig.hideInside(url),
                    "must look like jdbc:postgresql://host:5432/dbname, optionally with driver parameters"
                            + " (?sslmode=verify-full&sslrootcert=/path/to/ca.crt)");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (m.group(4) != null) {
            for (String pair : m.group(4).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                // The driver's own reading: a name without "=" is set to the empty string, a repeated name's last value wins.
                parameters.put(decode(url, eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(url, pair.substring(eq + 1)));
            }
        }
        return new DatabaseUrl(url, m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), m.group(3), parameters);
    }

    private static String decode(String url, String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConnectorOptions.DATABASE_URL, EffectiveConfig.hideInside(url),
                    "has a query parameter that is not URL-encoded (" + e.getMessage() + "): write % as %25");
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** The query's driver parameters by name, decoded, in the URL's order. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** The URL as given, for connecting. */
    public String value() {
        return url;
    }

    /** The URL with a password or any other secret parameter hidden: for logs and error messages. */
    @Override
    public String toString() {
        return EffectiveConfig.hideInside(url);
    }
}
