package io.onceonly.cli.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.onceonly.cli.CliRun;
import io.onceonly.stack.Await;
import io.onceonly.stack.PostgresService;
import io.onceonly.testkit.WithStack;

/** {@code once slot status|drop} on the testkit's PostgreSQL, with slots made by SQL and one read by a live stream. */
@WithStack
class SlotIT {

    private static PostgresService pg;

    @BeforeAll
    static void database(PostgresService postgres) {
        pg = postgres;
    }

    private static String[] with(String... args) {
        System.out.println("$ once " + String.join(" ", args));
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--database.url=" + pg.jdbcUrl();
        all[args.length + 1] = "--database.user=" + pg.username();
        all[args.length + 2] = "--database.password=" + pg.password();
        return all;
    }

    @Test
    void statusListsEveryLogicalSlotWithTheWalItKeeps() throws Exception {
        createSlot("cli_status", "pgoutput");
        writeSomeWal();

        CliRun table = CliRun.of(with("slot", "status"));
        System.out.println(table);
        CliRun json = CliRun.of(with("slot", "status", "--json"));

        assertThat(table.code()).as(table.toString()).isZero();
        assertThat(table.out()).contains("slot", "WAL retained", "cli_status", "pgoutput", "reserved")
                .contains("The connector's slot once_outbox (connector.slot.name) does not exist");
        JsonNode slot = null;
        for (JsonNode node : new ObjectMapper().readTree(json.out())) {
            if (node.path("name").asText().equals("cli_status")) {
                slot = node;
            }
        }
        assertThat(slot).as(json.toString()).isNotNull();
        assertThat(slot.path("retainedWalBytes").asLong()).isPositive();
        assertThat(slot.path("active").asBoolean()).isFalse();
        assertThat(slot.path("connectorSlot").asBoolean()).isFalse();
    }

    @Test
    void dropAsksForTheSlotNameAndDropsOnlyWhenItIsTyped() throws Exception {
        createSlot("cli_drop", "pgoutput");

        CliRun wrong = CliRun.typing("cli_dro", with("slot", "drop", "cli_drop"));
        assertThat(wrong.code()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.err()).contains("Type the slot name to confirm", "not dropped: 'cli_dro' is not the slot name cli_drop");
        assertThat(slotExists("cli_drop")).isTrue();

        CliRun nothing = CliRun.typing(null, with("slot", "drop", "cli_drop"));
        assertThat(nothing.code()).as(nothing.toString()).isEqualTo(1);
        assertThat(slotExists("cli_drop")).isTrue();

        CliRun typed = CliRun.typing("cli_drop", with("slot", "drop", "cli_drop"));
        System.out.println(wrong + "\n" + typed);
        assertThat(typed.code()).as(typed.toString()).isZero();
        assertThat(typed.out()).contains("dropped slot cli_drop");
        assertThat(slotExists("cli_drop")).isFalse();
    }

    @Test
    void dropWithYesDoesNotAsk() throws Exception {
        createSlot("cli_yes", "pgoutput");

        CliRun run = CliRun.of(with("slot", "drop", "cli_yes", "--yes"));

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).doesNotContain("Type the slot name");
        assertThat(slotExists("cli_yes")).isFalse();
    }

    @Test
    void aSlotBeingReadIsRefusedNamingTheReadersPid() throws Exception {
        createSlot("cli_active", "test_decoding");
        try (Connection replication = replicationConnection();
             PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                     .logical().withSlotName("cli_active").start()) {
            int pid = Await.value("slot cli_active read by a walsender", Duration.ofSeconds(30), SlotIT::activePid);

            CliRun run = CliRun.of(with("slot", "drop", "cli_active", "--yes"));
            System.out.println(run);

            assertThat(run.code()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).contains("slot cli_active is active: the walsender of pid " + pid + " reads it",
                    "pg_terminate_backend(" + pid + ")");
            assertThat(slotExists("cli_active")).isTrue();
            assertThat(stream.isClosed()).isFalse();
        }
    }

    @Test
    void anUnknownSlotIsNotFoundAndTheSlotsAreNamed() throws Exception {
        createSlot("cli_known", "pgoutput");

        CliRun run = CliRun.of(with("slot", "drop", "no_such_slot", "--yes"));

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("no replication slot no_such_slot", "cli_known");
    }

    @Test
    void withoutADatabaseTheOptionIsNamed() {
        CliRun run = CliRun.of("slot", "status");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("database.url", "is required", "ONCE_DATABASE_URL");
    }

    @Test
    void aRefusedConnectionNamesTheDatabaseButNotThePassword() {
        CliRun run = CliRun.of("slot", "status", "--database.url=jdbc:postgresql://127.0.0.1:1/app?password=url-secret",
                "--database.user=ops", "--database.password=option-secret");

        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("cannot connect to jdbc:postgresql://127.0.0.1:1/app", "as ops (database.url)")
                .doesNotContain("url-secret").doesNotContain("option-secret");
    }

    @Test
    void anUnknownOptionIsRefused() {
        CliRun run = CliRun.of(with("slot", "status", "--databse.url=jdbc:postgresql://x/y"));

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("databse.url", "is not an option of the once command");
    }

    private static void createSlot(String name, String plugin) throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement create = c.prepareStatement("select pg_create_logical_replication_slot(?, ?)")) {
            create.setString(1, name);
            create.setString(2, plugin);
            create.execute();
        }
    }

    private static void writeSomeWal() throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists cli_wal (n int)");
            s.execute("insert into cli_wal select generate_series(1, 1000)");
        }
    }

    private static boolean slotExists(String name) throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement select = c.prepareStatement("select 1 from pg_replication_slots where slot_name = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Integer activePid() throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement select = c.prepareStatement("select active_pid from pg_replication_slots where slot_name = 'cli_active' and active")) {
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    private static Connection replicationConnection() throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, pg.username());
        PGProperty.PASSWORD.set(props, pg.password());
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        return DriverManager.getConnection(pg.jdbcUrl(), props);
    }
}
