package io.onceonly.spring.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.WithStack;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;

/** Once's Liquibase changelog, as a service's master changelog would include it, creates both tables, twice without harm. */
@WithStack(scope = WithStack.Scope.JVM)
class LiquibaseChangelogIT {

    private static final String CHANGELOG = "db/once/liquibase/once-changelog.yaml";

    @Test
    void theChangelogCreatesTheOutboxAndTheClaimsAndRunsAgain(PostgresService postgres) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create schema if not exists liquibase_example");
            s.execute("set search_path to liquibase_example");
            update(c);
            update(c);
            assertThat(tables(c)).contains("outbox", "processed_message", "databasechangelog");
            s.execute("set search_path to public");
        }
    }

    private static void update(Connection c) throws Exception {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        database.setDefaultSchemaName("liquibase_example");
        Scope.child(Scope.Attr.resourceAccessor.name(), new liquibase.resource.ClassLoaderResourceAccessor(), () ->
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                        .execute());
    }

    private static List<String> tables(Connection c) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select table_name from information_schema.tables where table_schema = 'liquibase_example'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
