package io.onceonly.cli.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.onceonly.runtime.EffectiveConfig;

/**
 * A database the command reads: its JDBC URL and credentials. {@link #toString()} hides the
 * password, and the secrets a URL can carry, so a target may appear in any message.
 *
 * @param option the option naming the URL, for messages ({@code database.url})
 */
public record DatabaseTarget(String option, String url, String user, String password) {

    /** Opens a connection; a refused one is an {@link SQLException} whose message names the URL. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + this + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    @Override
    public String toString() {
        return EffectiveConfig.hideInside(url) + (user.isEmpty() ? "" : " as " + user) + " (" + option + ")";
    }
}
