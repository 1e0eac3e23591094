package io.onceonly.demo.membership.services;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The database options every demo service takes, and the pool it opens from them. */
public final class ServiceDatabase {

    public static final String URL = "database.url";
    public static final String USER = "database.user";
    public static final String PASSWORD = "database.password";

    private ServiceDatabase() {
    }

    /** Adds {@code database.url}, {@code database.user}, {@code database.password} to {@code options}. */
    public static ConfigDef define(ConfigDef options, String whose) {
        return options
                .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "JDBC URL of the " + whose + " database: jdbc:postgresql://host:5432/dbname.")
                .define(USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Database user: the role that owns the service's schema (it creates its tables there at start);"
                                + " no superuser needed, see docker/postgres/roles.sql.")
                .define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Password of database.user.");
    }

    /**
     * Checks the URL's form.
     *
     * @throws ConfigException naming {@code database.url}
     */
    public static void check(AbstractConfig config) {
        if (!config.getString(URL).startsWith("jdbc:postgresql://")) {
            throw new ConfigException(URL, config.getString(URL), "must look like jdbc:postgresql://host:5432/dbname");
        }
    }

    /** A connection pool named {@code name}. */
    public static HikariDataSource open(AbstractConfig config, String name) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(config.getString(URL));
        pool.setUsername(config.getString(USER));
        pool.setPassword(config.getPassword(PASSWORD).value());
        pool.setPoolName(name);
        return new HikariDataSource(pool);
    }
}
