package io.onceonly.cli.trace;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;

import io.onceonly.cli.Times;
import io.onceonly.cli.config.DatabaseTarget;
import io.onceonly.cli.config.OnceSettings;
import io.onceonly.cli.deadletter.DeadLetterReason;
import io.onceonly.cli.deadletter.ReplayAudit;
import io.onceonly.cli.kafka.KafkaClients;
import io.onceonly.cli.kafka.RecordAddress;
import io.onceonly.cli.kafka.RecordText;
import io.onceonly.cli.kafka.TopicScan;
import io.onceonly.contracts.wire.OnceHeaders;
import io.onceonly.contracts.wire.OutboxTopics;
import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.dedup.config.OutputTopics;

/**
 * Follows one biz-id through the pipeline: the outbox rows, then one scan of every topic it can be
 * on (outbox topics, their outputs and duplicates, both dead-letter topics, the replay audit), then
 * the consumer's claims; and says what has not happened yet.
 */
public final class Tracer {

    private final OnceSettings settings;
    private final PrintWriter progress;

    /** @param progress where a long scan reports (the error stream) */
    public Tracer(OnceSettings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * @param since scan topics from this time on; empty scans them whole
     */
    public Trace trace(String bizId, Optional<Instant> since, Duration timeout) throws SQLException {
        KafkaClients kafka = new KafkaClients(settings.kafka()); // a missing cluster is said before any database is asked
        List<Sighting> sightings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> lookedIn = new ArrayList<>();
        OutboxRows outbox = new OutboxRows(settings.connector());
        Optional<DatabaseTarget> database = settings.outboxDatabaseIfGiven();
        List<OutboxRows.Row> rows = List.of();
        if (database.isPresent()) {
            try (Connection connection = database.get().connect()) {
                rows = outbox.of(connection, bizId);
            }
            lookedIn.add(outbox.table() + " of " + database.get());
            for (OutboxRows.Row row : rows) {
                sightings.add(new Sighting(row.createdAt() == null ? null : row.createdAt().toInstant(), Stage.OUTBOX_ROW,
                        outbox.table(), row.id(), "aggregate " + row.aggregateType() + "/" + row.aggregateId() + ", "
                        + row.eventType()));
            }
        } else {
            notes.add("the outbox table was not looked at: name the outbox database with database.url (or config.connector)");
        }

        Topics topics = topics(rows, kafka);
        Set<String> replayed = new HashSet<>();
        Set<String> replays = new HashSet<>();
        TopicScan.Result scan;
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer()) {
            scan = new TopicScan(consumer, progress).scan(topics.all(), since, timeout, record -> sighting(record, bizId, topics)
                    .ifPresent(sighting -> {
                        sightings.add(sighting);
                        if (sighting.stage() == Stage.REPLAYED) {
                            ReplayAudit.deadLetterOf(record.value()).ifPresent(replayed::add);
                            ReplayAudit.replayedToOf(record.value()).ifPresent(replays::add);
                        }
                    }));
        }
        Set<String> read = new TreeSet<>(topics.all());
        read.removeAll(scan.missing());
        lookedIn.add("topics " + String.join(", ", read) + " (" + scan.scanned() + " records)");
        Set<String> missingTopics = new TreeSet<>(scan.missing());
        missingTopics.remove(settings.replayAuditTopic());
        if (!missingTopics.isEmpty()) {
            notes.add("not on the cluster (yet): " + String.join(", ", missingTopics));
        }
        since.ifPresent(from -> notes.add("topics were read from " + Times.show(from) + " on (--since)"));

        Optional<DatabaseTarget> consumerDb = settings.consumerDatabase();
        ClaimRows claims = new ClaimRows(settings.consumerTable());
        if (consumerDb.isPresent()) {
            try (Connection connection = consumerDb.get().connect()) {
                for (ClaimRows.Claim claim : claims.of(connection, bizId)) {
                    sightings.add(new Sighting(claim.processedAt().toInstant(), Stage.CLAIMED, claims.table(), null,
                            "by consumer " + claim.consumerName()));
                }
            }
            lookedIn.add(claims.table() + " of " + consumerDb.get());
        } else {
            notes.add("consumer claims were not looked up: name the consumer's database with consumer.database.url");
        }
        sightings.sort(Sighting.TIMELINE);
        return judge(bizId, withForwardTimes(markReplays(sightings, replays)), rows, database.isPresent(), consumerDb.isPresent(), notes, lookedIn,
                replayed);
    }

    /** The topics to read: where the rows were routed, else every outbox topic; their outputs; the rest. */
    private Topics topics(List<OutboxRows.Row> rows, KafkaClients kafka) {
        String prefix = settings.topicPrefix();
        Set<String> inputs = new TreeSet<>();
        for (OutboxRows.Row row : rows) {
            if (OutboxTopics.isValidAggregateType(row.aggregateType())) {
                inputs.add(prefix + row.aggregateType());
            }
        }
        if (inputs.isEmpty()) {
            // No row (purged, or not looked at): any outbox topic may hold the biz-id.
            try (Admin admin = kafka.admin()) {
                Set<String> names = admin.listTopics().names().get();
                Set<String> excluded = Set.of(settings.connectorDeadLetterTopic(), settings.replayAuditTopic());
                names.stream().filter(name -> name.startsWith(prefix) && !excluded.contains(name)
                        && !name.endsWith(OutboxTopics.DUPLICATES_SUFFIX)).forEach(inputs::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing topics", e);
            } catch (ExecutionException e) {
                throw new KafkaException("cannot list the topics", e.getCause());
            }
        }
        inputs.addAll(settings.dedup().list(DedupOptions.INPUT_TOPICS));
        OutputTopics outputs = settings.dedupOutputs();
        Set<String> forwarded = new TreeSet<>();
        Set<String> duplicates = new TreeSet<>();
        inputs.forEach(input -> {
            forwarded.add(outputs.outputFor(input));
            duplicates.add(outputs.duplicatesFor(input));
        });
        return new Topics(inputs, forwarded, duplicates, settings.connectorDeadLetterTopic(), settings.dedupDeadLetterTopic(),
                settings.replayAuditTopic());
    }

    private record Topics(Set<String> inputs, Set<String> outputs, Set<String> duplicates, String connectorDeadLetter,
                          String dedupDeadLetter, String replayAudit) {

        Set<String> all() {
            Set<String> all = new LinkedHashSet<>(inputs);
            all.addAll(outputs);
            all.addAll(duplicates);
            all.add(connectorDeadLetter);
            all.add(dedupDeadLetter);
            all.add(replayAudit);
            return all;
        }
    }

    private static Optional<Sighting> sighting(ConsumerRecord<byte[], byte[]> record, String bizId, Topics topics) {
        String topic = record.topic();
        Instant at = Instant.ofEpochMilli(record.timestamp());
        String where = RecordAddress.of(record).toString();
        if (topic.equals(topics.replayAudit())) {
            if (!bizId.equals(RecordText.of(record.key()))) {
                return Optional.empty();
            }
            return Optional.of(new Sighting(at, Stage.REPLAYED, where, ReplayAudit.eventIdOf(record.value()).orElse(null),
                    ReplayAudit.describe(record.value())));
        }
        if (!OnceHeaders.lastText(record.headers(), OnceHeaders.BIZ_ID).filter(bizId::equals).isPresent()) {
            return Optional.empty();
        }
        String eventId = OnceHeaders.lastText(record.headers(), OnceHeaders.EVENT_ID).orElse(null);
        String reason = OnceHeaders.lastText(record.headers(), OnceHeaders.ERROR).orElse("");
        if (topic.equals(topics.connectorDeadLetter())) {
            return Optional.of(new Sighting(at, Stage.CONNECTOR_DEAD_LETTER, where, eventId, reason));
        }
        if (topic.equals(topics.dedupDeadLetter())) {
            return Optional.of(new Sighting(at, Stage.DEDUP_DEAD_LETTER, where, eventId, reason));
        }
        if (topics.duplicates().contains(topic)) {
            String first = OnceHeaders.lastText(record.headers(), OnceHeaders.FIRST_EVENT_ID).orElse(null);
            Instant firstSeen = RecordText.timeHeader(record.headers(), OnceHeaders.FIRST_SEEN_AT).orElse(null);
            return Optional.of(new Sighting(at, Stage.DROPPED, where, eventId, "duplicate of event " + (first == null ? "?" : first)
                    + ", forwarded " + Times.show(firstSeen), first, firstSeen));
        }
        if (topics.outputs().contains(topic)) {
            return Optional.of(new Sighting(at, Stage.FORWARDED, where, eventId, ""));
        }
        if (topics.inputs().contains(topic)) {
            return Optional.of(new Sighting(at, Stage.RELAYED, where, eventId, "key " + RecordText.of(record.key())));
        }
        return Optional.empty();
    }

    // A record a replay wrote on an outbox topic is on it like a relayed one: said so, beside the connector's.
    private static List<Sighting> markReplays(List<Sighting> sightings, Set<String> replays) {
        List<Sighting> marked = new ArrayList<>();
        for (Sighting s : sightings) {
            marked.add(s.stage() == Stage.RELAYED && replays.contains(s.where())
                    ? new Sighting(s.at(), s.stage(), s.where(), s.eventId(), s.detail() + ", written by a replay")
                    : s);
        }
        return marked;
    }

    /*
     * A forwarded record keeps its input record's timestamp (Kafka Streams does so): when it was
     * forwarded is known only from a dropped copy's once-first-seen-at, which names it.
     */
    private static List<Sighting> withForwardTimes(List<Sighting> sightings) {
        Map<String, String> firstSeen = new HashMap<>();
        for (Sighting s : sightings) {
            if (s.stage() == Stage.DROPPED && s.firstEventId() != null && s.firstSeenAt() != null) {
                firstSeen.putIfAbsent(s.firstEventId(), Times.show(s.firstSeenAt()));
            }
        }
        List<Sighting> shown = new ArrayList<>();
        for (Sighting s : sightings) {
            String at = s.stage() == Stage.FORWARDED && s.eventId() != null ? firstSeen.get(s.eventId()) : null;
            shown.add(at == null ? s : new Sighting(s.at(), s.stage(), s.where(), s.eventId(), "forwarded at " + at, null, null));
        }
        return shown;
    }

    private Trace judge(String bizId, List<Sighting> sightings, List<OutboxRows.Row> rows, boolean lookedAtOutbox,
                        boolean lookedAtClaims, List<String> notes, List<String> lookedIn, Set<String> replayed) {
        List<String> missing = new ArrayList<>();
        Map<String, Long> relayed = countByEvent(sightings, Stage.RELAYED);
        Map<String, Long> deduplicated = countByEvent(sightings, s -> s.stage() == Stage.FORWARDED || s.stage() == Stage.DROPPED
                || s.stage() == Stage.DEDUP_DEAD_LETTER);
        Set<String> connectorDeadLetters = sightings.stream().filter(s -> s.stage() == Stage.CONNECTOR_DEAD_LETTER)
                .map(Sighting::eventId).collect(Collectors.toSet());
        for (OutboxRows.Row row : rows) {
            if (!relayed.containsKey(row.id()) && !connectorDeadLetters.contains(row.id())) {
                missing.add("committed, not yet relayed: event " + row.id() + " (is the connector running and its slot"
                        + " advancing? see once slot status)");
            }
        }
        boolean auditsDrops = Boolean.parseBoolean(settings.dedup().string(DedupOptions.DUPLICATES_ENABLED));
        relayed.forEach((eventId, copies) -> {
            long done = deduplicated.getOrDefault(eventId, 0L);
            if (done < copies && (auditsDrops || done == 0)) {
                missing.add("relayed, not yet deduplicated: " + (copies - done == 1 ? "a record" : (copies - done) + " records")
                        + " of event " + eventId + " (is the dedup app running? its input lag is on /metrics)");
            }
        });
        if (!auditsDrops) {
            notes.add("dedup.duplicates.enabled is false: dropped copies are not audited, so a relayed copy that is"
                    + " neither forwarded nor dead-lettered may have been dropped");
        }
        if (rows.isEmpty() && lookedAtOutbox && !sightings.isEmpty()) {
            notes.add("no outbox row: deleted after its relay (connector outbox.retention, or a writer with"
                    + " deleteAfterInsert), or written elsewhere");
        }
        long forwards = sightings.stream().filter(s -> s.stage() == Stage.FORWARDED).count();
        boolean claimed = sightings.stream().anyMatch(s -> s.stage() == Stage.CLAIMED);
        if (forwards > 0 && lookedAtClaims && !claimed) {
            missing.add("forwarded, no consumer claim yet (no row in " + settings.consumerTable() + " of "
                    + settings.consumerDatabase().get() + ")");
        }
        // A dead letter replayed is no longer missing anything: where its replay went is in the timeline.
        sightings.stream().filter(s -> s.stage() == Stage.CONNECTOR_DEAD_LETTER || s.stage() == Stage.DEDUP_DEAD_LETTER)
                .filter(s -> !replayed.contains(s.where()))
                .forEach(s -> missing.add("dead-lettered at " + s.where() + ": " + DeadLetterReason.brief(s.detail())
                        + " (see once dead-letters show " + s.where() + ")"));
        return new Trace(bizId, List.copyOf(sightings), missing, notes, verdict(sightings, forwards, claimed), lookedIn);
    }

    private static String verdict(List<Sighting> sightings, long forwards, boolean claimed) {
        if (sightings.isEmpty()) {
            return "found nowhere";
        }
        long rows = sightings.stream().filter(s -> s.stage() == Stage.OUTBOX_ROW).count();
        long relays = sightings.stream().filter(s -> s.stage() == Stage.RELAYED).count();
        long drops = sightings.stream().filter(s -> s.stage() == Stage.DROPPED).count();
        StringBuilder verdict = new StringBuilder();
        verdict.append(rows).append(rows == 1 ? " outbox row, " : " outbox rows, ")
                .append(relays).append(relays == 1 ? " record relayed, " : " records relayed, ");
        if (forwards == 0) {
            verdict.append("not forwarded");
        } else if (forwards == 1) {
            verdict.append("forwarded once");
        } else {
            verdict.append("forwarded ").append(forwards).append(" times (more than one record on the output: copies further"
                    + " apart than the dedup retention, or a replay with --force)");
        }
        verdict.append(", ").append(drops).append(drops == 1 ? " duplicate dropped" : " duplicates dropped");
        List<String> consumers = sightings.stream().filter(s -> s.stage() == Stage.CLAIMED).map(s -> s.detail().substring("by consumer ".length()))
                .toList();
        if (claimed) {
            verdict.append(", claimed by ").append(String.join(", ", consumers));
        }
        return verdict.toString();
    }

    private static Map<String, Long> countByEvent(List<Sighting> sightings, Stage stage) {
        return countByEvent(sightings, s -> s.stage() == stage);
    }

    private static Map<String, Long> countByEvent(List<Sighting> sightings, Predicate<Sighting> which) {
        return sightings.stream().filter(which).filter(s -> s.eventId() != null)
                .collect(Collectors.groupingBy(Sighting::eventId, LinkedHashMap::new, Collectors.counting()));
    }
}
