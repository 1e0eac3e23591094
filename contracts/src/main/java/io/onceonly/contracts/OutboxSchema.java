package io.onceonly.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The DDL of Once's tables: {@code outbox} (write side) and {@code processed_message} (read side),
 * as fixed by docs/design.md. The scripts are {@code io/onceonly/contracts/outbox.sql} and
 * {@code processed_message.sql} on the class path, for teams that apply migrations with their own tool.
 */
public final class OutboxSchema {

    /** The outbox table's name. */
    public static final String OUTBOX_TABLE = "outbox";
    /** The processed-message log's name (see {@link IdempotentConsumer}). */
    public static final String PROCESSED_MESSAGE_TABLE = "processed_message";
    /** Class-path location of the write side's DDL. */
    public static final String OUTBOX_RESOURCE = "/io/onceonly/contracts/outbox.sql";
    /** Class-path location of the read side's DDL. */
    public static final String PROCESSED_MESSAGE_RESOURCE = "/io/onceonly/contracts/processed_message.sql";

    private static final List<String> OUTBOX_STATEMENTS = parse(load(OUTBOX_RESOURCE));
    private static final List<String> PROCESSED_MESSAGE_STATEMENTS = parse(load(PROCESSED_MESSAGE_RESOURCE));
    private static final List<String> STATEMENTS = concat(OUTBOX_STATEMENTS, PROCESSED_MESSAGE_STATEMENTS);

    private OutboxSchema() {
    }

    /** The DDL statements, in order, without comments. */
    public static List<String> statements() {
        return STATEMENTS;
    }

    /**
     * Creates the tables and indexes that do not exist yet; safe on every start and from several
     * instances at once (they serialize on an advisory lock).
     *
     * <p>On a connection in auto-commit mode this runs in a transaction of its own and commits it;
     * on a connection with auto-commit off it joins the caller's transaction and leaves the commit
     * to the caller.
     */
    public static void install(Connection connection) throws SQLException {
        run(connection, STATEMENTS);
    }

    /**
     * Creates only the write side's {@code outbox} table, for a service that publishes events and
     * consumes none (tables are created in the connection's current schema). Transactions as in
     * {@link #install(Connection)}.
     */
    public static void installOutbox(Connection connection) throws SQLException {
        run(connection, OUTBOX_STATEMENTS);
    }

    /**
     * Creates only the read side's {@code processed_message} table, for a consumer service whose
     * schema has no outbox (tables are created in the connection's current schema). Transactions
     * as in {@link #install(Connection)}.
     */
    public static void installProcessedMessage(Connection connection) throws SQLException {
        run(connection, PROCESSED_MESSAGE_STATEMENTS);
    }

    private static void run(Connection connection, List<String> ddl) throws SQLException {
        boolean ownTransaction = connection.getAutoCommit();
        if (ownTransaction) {
            connection.setAutoCommit(false);
        }
        try (Statement statement = connection.createStatement()) {
            // Two services starting together would otherwise race on "create table if not exists".
            statement.execute("select pg_advisory_xact_lock(hashtext('io.onceonly.contracts.OutboxSchema'))");
            for (String sql : ddl) {
                statement.execute(sql);
            }
            if (ownTransaction) {
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (ownTransaction) {
                connection.rollback();
            }
            throw e;
        } finally {
            if (ownTransaction) {
                connection.setAutoCommit(true);
            }
        }
    }

    private static String load(String resource) {
        try (InputStream in = OutboxSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path: the contracts jar is damaged");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return Collections.unmodifiableList(all);
    }

    // The script is ours and simple: statements end with ';' at the end of a line, comments are whole lines.
    private static List<String> parse(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(current.toString().strip().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        return Collections.unmodifiableList(statements);
    }
}
