package io.onceonly.dedup.lookup;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.dedup.config.OutputTopics;
import io.onceonly.dedup.topology.DedupTopology;
import io.onceonly.dedup.topology.FirstSeen;
import io.onceonly.dedup.topology.StoreKey;
import io.onceonly.runtime.BearerToken;
import io.onceonly.runtime.HandlerPool;
import io.onceonly.runtime.OpsServer;

/**
 * {@code GET /biz-ids/{bizId}[?topic=name]}: whether a biz-id was seen on an output topic (the one of
 * {@code topic}, an input or output name; without it, any output), answered the same by any instance.
 *
 * <p>Without repartitioning, a biz-id's entry lives in the store partition of its record's key,
 * which the lookup cannot know: the asking instance reads its own stores and asks every other
 * instance for theirs ({@code ?local=true}). With repartitioning the biz-id is the key, and the
 * one owner is asked.
 *
 * <p>A lookup that asks other instances runs on a {@link HandlerPool} of {@value #THREADS} threads
 * and {@value #QUEUE} waiting places (503 beyond), each call with a {@link #PEER_TIMEOUT} and the
 * whole lookup within {@link #BUDGET}, so that a silent instance neither takes the ops server's
 * threads nor holds a slot for long. Answers to {@code ?local=true} only read this instance's
 * store and are given at once. With a token, every request must carry it, and the calls to other
 * instances carry it too.
 */
public final class BizIdLookup implements HttpHandler, AutoCloseable {

    /** The route this handler serves. */
    public static final String PATH = "/biz-ids/";
    /** Lookups asking other instances at once. */
    public static final int THREADS = 4;
    /** Lookups waiting for one of the {@link #THREADS}. */
    public static final int QUEUE = 8;
    /** How long one call to another instance may take. */
    public static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);
    /** How long a whole lookup may take, under the ops server's {@link OpsServer#RESPONSE_TIMEOUT}. */
    public static final Duration BUDGET = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(BizIdLookup.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final boolean repartitioned;
    private final OutputTopics outputs;
    private final BearerToken token;
    private final HandlerPool fanOut = new HandlerPool("biz-id lookup", THREADS, QUEUE);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();

    /**
     * @param self this instance's {@code application.server}, to tell its own stores from the others'
     * @param token what requests must carry, and what this instance sends to the others
     */
    public BizIdLookup(KafkaStreams streams, HostInfo self, boolean repartitioned, OutputTopics outputs, BearerToken token) {
        this.streams = streams;
        this.self = self;
        this.repartitioned = repartitioned;
        this.outputs = outputs;
        this.token = token;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        token.check(exchange);
        BizIdPath request = BizIdPath.parse(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery());
        if (request.local()) {
            respond(exchange, () -> answer(request.bizId(), request.scope(), local(StoreKey.of(request.scope(), request.bizId()))));
        } else {
            fanOut.run(exchange, pooled -> respond(pooled, () -> cluster(request.bizId(), Optional.ofNullable(request.topic()),
                    System.nanoTime() + BUDGET.toNanos())));
        }
    }

    /** A lookup's work; may ask other instances. */
    private interface Lookup {
        Map<String, Object> answer() throws IOException, InterruptedException;
    }

    private static void respond(HttpExchange exchange, Lookup lookup) throws IOException {
        try {
            OpsServer.respondJson(exchange, 200, lookup.answer());
        } catch (InvalidStateStoreException e) {
            LOG.debug("lookup {}: store not queryable: {}", exchange.getRequestURI(), e.getMessage());
            OpsServer.respondJson(exchange, 503, Map.of("error", "the store is not queryable right now (rebalancing or"
                    + " restoring); try again"));
        } catch (PeerException e) {
            OpsServer.respondJson(exchange, e.status, Map.of("error", e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            OpsServer.respondJson(exchange, 503, Map.of("error", "the app is stopping"));
        }
    }

    /** Another instance did not give an answer; its message says which, and what to do. */
    private static final class PeerException extends IOException {
        private final int status;

        PeerException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    // The earliest first occurrence of bizId on the output of `topic` (input or output name), or on any output.
    private Map<String, Object> cluster(String bizId, Optional<String> topic, long deadline) throws IOException, InterruptedException {
        String bestScope = topic.map(this::scopeOf).orElse(null);
        FirstSeen best = null;
        for (String scope : topic.map(t -> List.of(scopeOf(t))).orElseGet(this::knownScopes)) {
            FirstSeen seen = clusterScope(scope, bizId, deadline);
            if (seen != null && (best == null || seen.firstSeenAt() < best.firstSeenAt())) {
                best = seen;
                bestScope = scope;
            }
        }
        return answer(bizId, bestScope, best);
    }

    private FirstSeen clusterScope(String scope, String bizId, long deadline) throws IOException, InterruptedException {
        String key = StoreKey.of(scope, bizId);
        if (repartitioned) {
            // Repartitioned by biz-id: exactly one instance owns it.
            KeyQueryMetadata owner = streams.queryMetadataForKey(DedupTopology.STORE, bizId, Serdes.String().serializer());
            if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                throw new InvalidStateStoreException("no owner of " + bizId + " known yet");
            }
            return owner.activeHost().equals(self) ? local(key) : remote(owner.activeHost(), scope, bizId, deadline);
        }
        FirstSeen best = null;
        for (StreamsMetadata instance : streams.streamsMetadataForStore(DedupTopology.STORE)) {
            // Instances with only standby or warm-up copies have nothing authoritative to add.
            if (instance.topicPartitions().isEmpty()) {
                continue;
            }
            FirstSeen seen = instance.hostInfo().equals(self) ? local(key) : remote(instance.hostInfo(), scope, bizId, deadline);
            if (seen != null && (best == null || seen.firstSeenAt() < best.firstSeenAt())) {
                best = seen;
            }
        }
        return best;
    }

    private String scopeOf(String topic) {
        return outputs.mapping().containsValue(topic) || topic.startsWith(outputs.outputPrefix()) ? topic : outputs.outputFor(topic);
    }

    // Every output topic some instance is writing for: the outputs of all assigned input topics.
    private List<String> knownScopes() {
        Set<String> scopes = new TreeSet<>();
        for (StreamsMetadata instance : streams.streamsMetadataForStore(DedupTopology.STORE)) {
            for (TopicPartition partition : instance.topicPartitions()) {
                if (!partition.topic().endsWith("-repartition")) {
                    scopes.add(outputs.outputFor(partition.topic()));
                }
            }
        }
        scopes.addAll(outputs.mapping().values());
        return new ArrayList<>(scopes);
    }

    private FirstSeen local(String key) {
        if (!hostsActivePartitions()) {
            return null;
        }
        ReadOnlyWindowStore<String, FirstSeen> store = streams.store(
                StoreQueryParameters.fromNameAndType(DedupTopology.STORE, QueryableStoreTypes.windowStore()));
        try (WindowStoreIterator<FirstSeen> seen = store.fetch(key, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
            return seen.hasNext() ? seen.next().value : null;
        }
    }

    private boolean hostsActivePartitions() {
        for (StreamsMetadata instance : streams.streamsMetadataForStore(DedupTopology.STORE)) {
            if (instance.hostInfo().equals(self)) {
                return !instance.topicPartitions().isEmpty();
            }
        }
        return false;
    }

    private FirstSeen remote(HostInfo host, String scope, String bizId, long deadline) throws IOException, InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new PeerException(504, "the lookup took its whole budget of " + BUDGET.toSeconds() + " s before asking "
                    + host.host() + ":" + host.port() + "; other instances answer slowly (see their /health)");
        }
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + PATH
                + URLEncoder.encode(bizId, StandardCharsets.UTF_8).replace("+", "%20") + "?local=true&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(Math.min(left, PEER_TIMEOUT.toNanos())));
        if (token.required()) {
            request.header("Authorization", token.authorization());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new PeerException(504, "instance " + host.host() + ":" + host.port() + " did not answer within "
                    + PEER_TIMEOUT.toSeconds() + " s; see its /health");
        } catch (IOException e) {
            LOG.warn("lookup: instance {}:{} could not be asked: {}", host.host(), host.port(), e.toString());
            throw new PeerException(502, "instance " + host.host() + ":" + host.port() + " could not be reached; check that"
                    + " its http.advertised.host and http.port reach it from here (this instance's log has the error)");
        }
        if (response.statusCode() == 503) {
            throw new InvalidStateStoreException(host + " is rebalancing");
        }
        if (response.statusCode() == 401) {
            throw new PeerException(502, "instance " + host.host() + ":" + host.port() + " refused the lookup (401): give"
                    + " every instance the same " + DedupOptions.LOOKUP_TOKEN);
        }
        if (response.statusCode() != 200) {
            LOG.warn("lookup: instance {}:{} answered {}: {}", host.host(), host.port(), response.statusCode(), response.body());
            throw new PeerException(502, "instance " + host.host() + ":" + host.port() + " answered " + response.statusCode()
                    + " (this instance's log has its answer)");
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (!body.path("seen").asBoolean()) {
                return null;
            }
            return new FirstSeen(body.path("firstEventId").isNull() ? null : body.path("firstEventId").asText(),
                    Instant.parse(body.path("firstSeenAt").asText()).toEpochMilli(), body.path("firstTopic").asText(),
                    body.path("firstPartition").asInt(), body.path("firstOffset").asLong());
        } catch (IOException | DateTimeParseException e) {
            LOG.warn("lookup: instance {}:{} answered what is not a lookup's answer: {}", host.host(), host.port(), response.body());
            throw new PeerException(502, "instance " + host.host() + ":" + host.port() + " answered what is not a lookup's"
                    + " answer; is it a dedup app of the same version? (this instance's log has its answer)");
        }
    }

    /** Stops the lookups still running. */
    @Override
    public void close() {
        fanOut.close();
    }

    private static Map<String, Object> answer(String bizId, String output, FirstSeen first) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bizId", bizId);
        body.put("seen", first != null);
        body.put("output", first == null ? null : output);
        body.put("firstEventId", first == null ? null : first.eventId());
        body.put("firstSeenAt", first == null ? null : Instant.ofEpochMilli(first.firstSeenAt()).toString());
        if (first != null) {
            body.put("firstTopic", first.topic());
            body.put("firstPartition", first.partition());
            body.put("firstOffset", first.offset());
        }
        return body;
    }
}
