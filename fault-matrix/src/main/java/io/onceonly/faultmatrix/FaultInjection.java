package io.onceonly.faultmatrix;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import io.onceonly.demo.membership.card.CardIssuingApp;
import io.onceonly.demo.membership.pipeline.Pipeline;
import io.onceonly.demo.membership.pipeline.StageProcess;
import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.stack.Await;

/**
 * Does one cell's fault to a running deployment, as it happens in production (a kill is SIGKILL of
 * the process, a broker restart is the broker's JVM, a database crash is an immediate shutdown), and
 * what an operator or an orchestrator then does (restart the process). Returns what happened, for
 * the report.
 */
final class FaultInjection {

    private static final Duration RESTART_DELAY = Duration.ofSeconds(2);
    // Longer than broker.session.timeout.ms (9 s) whatever --outage says, so that the controller may fence the killed node
    // and move its leaderships before it is back, as the cell was designed.
    private static final Duration BROKER_DOWN = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Servers servers;
    private final Deployment deployment;
    private final RelayProxies proxies;
    private final Random random;
    private final PrintStream out;
    private final Duration dedupDown;
    // Twice the outage: one option keeps the defaults (10 s, 20 s), and any outage from 5 s on gives a cut longer than the
    // standby's takeover-after (10 s), so that when the cut ends the active's walsender has been silent long enough for
    // the standby to end it.
    private final Duration cut;

    /**
     * @param outage how long a killed dedup instance stays down; a network cut lasts twice this
     * @param proxies the connector's proxies, for the cells that cut its network; else null
     * @param random when the faults of {@link Cell#ALL_AT_ONCE} happen, and in which order
     */
    FaultInjection(Servers servers, Deployment deployment, Duration outage, RelayProxies proxies, Random random, PrintStream out) {
        this.servers = servers;
        this.dedupDown = outage;
        this.cut = outage.multipliedBy(2);
        this.deployment = deployment;
        this.proxies = proxies;
        this.random = random;
        this.out = out;
    }

    String inject(Cell cell) throws Exception {
        Pipeline pipeline = deployment.pipeline();
        return switch (cell) {
            case RELAY_KILL -> {
                StageProcess relay = pipeline.activeConnector(WAIT);
                relay.kill();
                Thread.sleep(RESTART_DELAY.toMillis());
                relay.start();
                relay.awaitHealthy(WAIT);
                yield relay.name() + " killed, restarted " + RESTART_DELAY.toSeconds() + " s later";
            }
            case RELAY_KILL_STANDBY -> {
                StageProcess relay = pipeline.activeConnector(WAIT);
                StageProcess standby = pipeline.connectors().stream().filter(c -> c != relay).findFirst().orElseThrow();
                long killed = System.nanoTime();
                relay.kill();
                double takeover = Pipeline.awaitRelaying(standby, killed, WAIT);
                Thread.sleep(RESTART_DELAY.toMillis());
                relay.start();
                relay.awaitHealthy(WAIT);
                yield relay.name() + " killed; " + standby.name() + (takeover < 0 ? " did not take over within " + WAIT.toSeconds() + " s"
                        : String.format(" relayed again %.1f s later", takeover)) + "; the killed one restarted as standby";
            }
            case DEDUP_KILL -> {
                StageProcess dedup = pipeline.dedups().get(1);
                dedup.kill();
                Thread.sleep(dedupDown.toMillis());
                dedup.start();
                dedup.awaitHealthy(WAIT);
                yield dedup.name() + " killed, restarted " + seconds(dedupDown) + " s later";
            }
            case CARD_KILL -> {
                StageProcess card = deployment.card();
                post(URI.create("http://127.0.0.1:" + card.httpPort() + CardIssuingApp.HOLD_PATH));
                JsonNode[] seen = {null};
                Await.until("the card service holding after a database commit (it holds at its next batch of cards)", WAIT, () -> {
                    seen[0] = card.health();
                    return seen[0] != null && seen[0].path("held").asBoolean();
                }, () -> "its /health: " + seen[0] + "; see " + card.log());
                deployment.cardAboutToDie();
                card.kill();
                card.start();
                card.awaitHealthy(WAIT);
                yield "killed after a database commit, before its offset commit; restarted";
            }
            case LEADER_KILL -> {
                int leader = servers.kafka().leaderOf(DemoNames.PAYMENT_TOPIC, 0);
                servers.kafka().kill(leader);
                Thread.sleep(BROKER_DOWN.toMillis());
                servers.kafka().start(leader);
                yield "node " + leader + " (leader of " + DemoNames.PAYMENT_TOPIC + "-0) killed, restarted " + BROKER_DOWN.toSeconds()
                        + " s later";
            }
            case ROLLING_RESTART -> {
                for (int node = 1; node <= servers.kafka().size(); node++) {
                    servers.kafka().stop(node);
                    servers.kafka().start(node);
                    servers.kafka().awaitInSync(List.of(DemoNames.PAYMENT_TOPIC, DemoNames.CARD_TOPIC, "__consumer_offsets",
                            "__transaction_state"), WAIT);
                }
                yield servers.kafka().size() + " nodes restarted one by one, each back in sync before the next";
            }
            case POSTGRES_RESTART -> {
                servers.postgres().crash();
                servers.postgres().start();
                yield "immediate shutdown, started again at once";
            }
            case NETWORK_CUT_KAFKA -> {
                proxies.cutKafka();
                Thread.sleep(cut.toMillis());
                proxies.restoreKafka();
                yield "every connection of the relay to Kafka stalled for " + seconds(cut) + " s, then flowed again";
            }
            case NETWORK_CUT_POSTGRES -> {
                proxies.cutPostgres();
                Thread.sleep(cut.toMillis());
                proxies.restorePostgres();
                yield "every connection of the relay to PostgreSQL stalled for " + seconds(cut) + " s, then flowed again";
            }
            case ALL_AT_ONCE -> {
                List<Cell> faults = new ArrayList<>(EnumSet.complementOf(EnumSet.of(Cell.ALL_AT_ONCE, Cell.RELAY_KILL)));
                Collections.shuffle(faults, random);
                StringBuilder story = new StringBuilder();
                for (Cell fault : faults) {
                    Thread.sleep(1_000 + random.nextInt(4_000));
                    long began = System.nanoTime();
                    String happened = inject(fault);
                    out.printf("    %s: %s (%.1f s)%n", fault.id(), happened, (System.nanoTime() - began) / 1e9);
                    story.append(story.length() == 0 ? "" : "; ").append(fault.id()).append(": ").append(happened);
                }
                yield story.toString();
            }
            case SLOT_DROP -> {
                StageProcess relay = pipeline.activeConnector(WAIT);
                dropSlot();
                Integer exit = relay.awaitExit(WAIT);
                relay.close();
                // The operator's one start with the recovery; a standby that took the free slot over found the
                // saved position gone as well and stopped: it starts again as it was.
                relay.startWith(Map.of("slot.lost.recovery", "resend-table"));
                relay.awaitHealthy(WAIT);
                StringBuilder others = new StringBuilder();
                for (StageProcess other : pipeline.connectors()) {
                    if (other != relay && other.awaitExit(Duration.ZERO) != null) {
                        other.start();
                        other.awaitHealthy(WAIT);
                        others.append("; ").append(other.name()).append(" had stopped too and was started again");
                    }
                }
                yield "slot dropped; " + relay.name() + (exit == null ? " did not stop within " + WAIT.toSeconds() + " s (killed)"
                        : " stopped with exit code " + exit) + ", started once with slot.lost.recovery=resend-table" + others;
            }
        };
    }

    // As an operator or a failover would: end the relay's WAL sender, drop the slot before it reconnects.
    private void dropSlot() {
        Await.until("slot " + DemoNames.SLOT + " dropped", WAIT, () -> {
            try (Connection c = servers.postgres().dataSource().getConnection();
                 PreparedStatement kill = c.prepareStatement("select pg_terminate_backend(active_pid) from pg_replication_slots"
                         + " where slot_name = ? and active_pid is not null");
                 PreparedStatement drop = c.prepareStatement("select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                         + " where slot_name = ? and not active");
                 PreparedStatement exists = c.prepareStatement("select 1 from pg_replication_slots where slot_name = ?")) {
                kill.setString(1, DemoNames.SLOT);
                drop.setString(1, DemoNames.SLOT);
                exists.setString(1, DemoNames.SLOT);
                kill.executeQuery().close();
                drop.executeQuery().close();
                try (ResultSet rs = exists.executeQuery()) {
                    return !rs.next();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop slot " + DemoNames.SLOT + ": " + e.getMessage(), e);
            }
        });
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1_000 == 0 ? Long.toString(d.toSeconds()) : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    private static void post(URI uri) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("POST " + uri + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }
}
