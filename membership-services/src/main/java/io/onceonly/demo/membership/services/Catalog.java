package io.onceonly.demo.membership.services;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the database already has. The services look before they create because PostgreSQL checks
 * the privilege to create before it sees that the object exists: {@code create schema if not exists}
 * needs CREATE on the database and {@code create table if not exists} CREATE on the schema, even
 * when there is nothing to create. A service role that owns only its schema (docker/postgres/roles.sql)
 * must still start.
 */
public final class Catalog {

    private Catalog() {
    }

    /** Whether schema {@code name} exists. */
    public static boolean hasSchema(Statement s, String name) throws SQLException {
        return isTrue(s, "select to_regnamespace('" + name.replace("'", "''") + "') is not null");
    }

    /** Whether table {@code qualifiedName} ({@code schema.table}) exists. */
    public static boolean hasTable(Statement s, String qualifiedName) throws SQLException {
        return isTrue(s, "select to_regclass('" + qualifiedName.replace("'", "''") + "') is not null");
    }

    private static boolean isTrue(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
