package io.onceonly.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.onceonly.stack.Postgres;
import io.onceonly.stack.PostgresService;

/** The class owns its stack because it restarts PostgreSQL. */
@WithStack
class PostgresIT {

    @Test
    void committedRowsSurviveARestart(PostgresService postgres) throws Exception {
        DataSource db = postgres.dataSource();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table kept (id int primary key)");
            s.execute("insert into kept values (1), (2), (3)");
        }
        int port = postgres.port();

        postgres.restart();

        assertThat(postgres.port()).isEqualTo(port);
        assertThat(query(db, "select count(*) from kept")).isEqualTo("3");
    }

    @Test
    void isDurableAndReadyForLogicalDecoding(PostgresService postgres) throws Exception {
        DataSource db = postgres.dataSource();
        assertThat(query(db, "show wal_level")).isEqualTo("logical");
        assertThat(query(db, "show fsync")).isEqualTo("on");
        assertThat(query(db, "show synchronous_commit")).isEqualTo("on");
        assertThat(query(db, "show full_page_writes")).isEqualTo("on");
        assertThat(Integer.parseInt(query(db, "show max_replication_slots"))).isGreaterThanOrEqualTo(8);
        assertThat(Integer.parseInt(query(db, "show max_wal_senders"))).isGreaterThanOrEqualTo(8);
    }

    @Test
    void aPgoutputSlotCanBeCreatedAndStreamsAPublishedTable(PostgresService postgres) throws Exception {
        DataSource db = postgres.dataSource();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table published (id int primary key, note text)");
            s.execute("create publication once_test_pub for table published");
            s.execute("select pg_create_logical_replication_slot('once_test_slot', 'pgoutput')");
            s.execute("insert into published values (1, 'hello')");
            try (ResultSet rs = s.executeQuery("select count(*) from pg_logical_slot_peek_binary_changes('once_test_slot', null, null,"
                    + " 'proto_version', '1', 'publication_names', 'once_test_pub')")) {
                rs.next();
                // BEGIN, RELATION, INSERT, COMMIT at least.
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(3);
            }
            assertThat(query(db, "select plugin from pg_replication_slots where slot_name = 'once_test_slot'")).isEqualTo("pgoutput");
            s.execute("select pg_drop_replication_slot('once_test_slot')");
        }
    }

    @Test
    void fastModeTurnsOffDurabilityAndAnOwnedDataDirectoryIsRemovedOnClose() throws Exception {
        java.nio.file.Path dir;
        try (Postgres fast = Postgres.builder().fast().build().start()) {
            dir = fast.dataDirectory();
            assertThat(fast.durable()).isFalse();
            assertThat(query(fast.dataSource(), "show fsync")).isEqualTo("off");
            assertThat(query(fast.dataSource(), "show synchronous_commit")).isEqualTo("off");
            assertThat(query(fast.dataSource(), "show wal_level")).isEqualTo("logical");
        }
        assertThat(dir).doesNotExist();
    }

    static String query(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
