package io.onceonly.dedup.lookup;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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

import io.onceonly.dedup.config.OutputTopics;
import io.onceonly.dedup.topology.DedupTopology;
import io.onceonly.dedup.topology.FirstSeen;
import io.onceonly.dedup.topology.StoreKey;
import io.onceonly.runtime.OpsServer;

/**
 * {@code GET /biz-ids/{bizId}[?topic=name]}: whether a biz-id was seen on an output topic (the one of
 * {@code topic}, an input or output name; without it, any output), answered the same by any instance.
 *
 * <p>Without repartitioning, a biz-id's entry lives in the store partition of its record's key,
 * which the lookup cannot know: the asking instance reads its own stores and asks every other
 * instance for theirs ({@code ?local=true}). With repartitioning the biz-id is the key, and the
 * one owner is asked.
 */
public final class BizIdLookup implements HttpHandler {

    /** The route this handler serves. */
    public static final String PATH = "/biz-ids/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final boolean repartitioned;
    private final OutputTopics outputs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public BizIdLookup(KafkaStreams streams, HostInfo self, boolean repartitioned, OutputTopics outputs) {
        this.streams = streams;
        this.self = self;
        this.repartitioned = repartitioned;
        this.outputs = outputs;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String bizId = URLDecoder.decode(path.substring(PATH.length()), StandardCharsets.UTF_8);
        if (!"GET".equals(exchange.getRequestMethod()) || bizId.isEmpty()) {
            OpsServer.respondJson(exchange, 400, Map.of("error", "use GET /biz-ids/{bizId}"));
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        try {
            Map<String, Object> answer;
            if ("true".equals(query.get("local"))) {
                answer = answer(bizId, query.get("scope"), local(StoreKey.of(query.get("scope"), bizId)));
            } else {
                answer = cluster(bizId, Optional.ofNullable(query.get("topic")));
            }
            OpsServer.respondJson(exchange, 200, answer);
        } catch (InvalidStateStoreException e) {
            OpsServer.respondJson(exchange, 503, Map.of("error", "the store is not queryable right now (rebalancing or"
                    + " restoring); try again", "detail", String.valueOf(e.getMessage())));
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            OpsServer.respondJson(exchange, 502, Map.of("error", "another instance did not answer: " + e));
        }
    }

    // The earliest first occurrence of bizId on the output of `topic` (input or output name), or on any output.
    private Map<String, Object> cluster(String bizId, Optional<String> topic) throws IOException, InterruptedException {
        String bestScope = topic.map(this::scopeOf).orElse(null);
        FirstSeen best = null;
        for (String scope : topic.map(t -> List.of(scopeOf(t))).orElseGet(this::knownScopes)) {
            FirstSeen seen = clusterScope(scope, bizId);
            if (seen != null && (best == null || seen.firstSeenAt() < best.firstSeenAt())) {
                best = seen;
                bestScope = scope;
            }
        }
        return answer(bizId, bestScope, best);
    }

    private FirstSeen clusterScope(String scope, String bizId) throws IOException, InterruptedException {
        String key = StoreKey.of(scope, bizId);
        if (repartitioned) {
            // Repartitioned by biz-id: exactly one instance owns it.
            KeyQueryMetadata owner = streams.queryMetadataForKey(DedupTopology.STORE, bizId, Serdes.String().serializer());
            if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                throw new InvalidStateStoreException("no owner of " + bizId + " known yet");
            }
            return owner.activeHost().equals(self) ? local(key) : remote(owner.activeHost(), scope, bizId);
        }
        FirstSeen best = null;
        for (StreamsMetadata instance : streams.streamsMetadataForStore(DedupTopology.STORE)) {
            // Instances with only standby or warm-up copies have nothing authoritative to add.
            if (instance.topicPartitions().isEmpty()) {
                continue;
            }
            FirstSeen seen = instance.hostInfo().equals(self) ? local(key) : remote(instance.hostInfo(), scope, bizId);
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

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
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

    private FirstSeen remote(HostInfo host, String scope, String bizId) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + PATH
                + URLEncoder.encode(bizId, StandardCharsets.UTF_8).replace("+", "%20") + "?local=true&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 503) {
            throw new InvalidStateStoreException(host + " is rebalancing");
        }
        if (response.statusCode() != 200) {
            throw new IOException(host + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = JSON.readTree(response.body());
        if (!body.get("seen").asBoolean()) {
            return null;
        }
        return new FirstSeen(body.path("firstEventId").isNull() ? null : body.path("firstEventId").asText(),
                Instant.parse(body.get("firstSeenAt").asText()).toEpochMilli(), body.get("firstTopic").asText(),
                body.get("firstPartition").asInt(), body.get("firstOffset").asLong());
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
