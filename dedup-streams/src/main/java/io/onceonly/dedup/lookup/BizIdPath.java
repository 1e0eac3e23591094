package io.onceonly.dedup.lookup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

import io.onceonly.contracts.wire.WireLimits;
import io.onceonly.runtime.PercentDecoder;
import io.onceonly.runtime.RequestRefusedException;

/**
 * What a lookup request asks, read from its raw path and query: one biz-id, percent-encoded as
 * one path segment, and the parameters {@code topic} (what a client may give) and {@code local},
 * {@code scope} (what instances send each other). Anything else is refused with a 4xx naming the
 * problem, before a store or another instance is asked.
 *
 * @param bizId the biz-id, decoded
 * @param topic the {@code topic} parameter, or null
 * @param local whether only this instance's stores are asked ({@code local=true})
 * @param scope the output topic a local lookup reads, or null
 */
record BizIdPath(String bizId, String topic, boolean local, String scope) {

    private static final Set<String> PARAMETERS = Set.of("topic", "local", "scope");

    /**
     * Reads a request.
     *
     * @param rawPath the path as sent, starting with {@link BizIdLookup#PATH}
     * @param rawQuery the query as sent, or null
     * @throws RequestRefusedException 404 when the path is not one segment under {@link BizIdLookup#PATH},
     *     400 for a biz-id or parameter that cannot be one
     */
    static BizIdPath parse(String rawPath, String rawQuery) {
        if (!rawPath.startsWith(BizIdLookup.PATH)) {
            throw new RequestRefusedException(404, "the lookup's path is " + BizIdLookup.PATH + "{bizId}, not "
                    + RequestRefusedException.shown(rawPath));
        }
        String segment = rawPath.substring(BizIdLookup.PATH.length());
        if (segment.isEmpty() || segment.indexOf('/') >= 0) {
            throw new RequestRefusedException(404, "no resource at " + RequestRefusedException.shown(rawPath) + ": use GET "
                    + BizIdLookup.PATH + "{bizId}, the biz-id percent-encoded as one path segment");
        }
        String bizId = PercentDecoder.decode(segment, "the biz-id");
        if (bizId.indexOf('/') >= 0 || bizId.indexOf('\\') >= 0) {
            throw new RequestRefusedException(400, "the biz-id " + RequestRefusedException.shown(segment) + " holds an encoded"
                    + " '/' or '\\', which this endpoint refuses: proxies in front of it may turn them into path separators");
        }
        if (bizId.equals(".") || bizId.equals("..")) {
            throw new RequestRefusedException(400, "'" + bizId + "' is a relative path segment, not a biz-id");
        }
        if (bizId.isBlank() || bizId.indexOf('\0') >= 0) {
            throw new RequestRefusedException(400, "the biz-id " + RequestRefusedException.shown(segment)
                    + " is blank or holds a NUL character; no event can have such a biz-id");
        }
        int bytes = WireLimits.utf8Length(bizId);
        if (bytes > WireLimits.MAX_BIZ_ID_BYTES) {
            throw new RequestRefusedException(400, "the biz-id is " + bytes + " bytes of UTF-8, over the limit of "
                    + WireLimits.MAX_BIZ_ID_BYTES + " that every biz-id keeps (WireLimits.MAX_BIZ_ID_BYTES)");
        }
        Map<String, String> query = query(rawQuery);
        String local = query.getOrDefault("local", "false");
        if (!local.equals("true") && !local.equals("false")) {
            throw new RequestRefusedException(400, "query parameter local is " + RequestRefusedException.shown(local)
                    + "; it is true or false");
        }
        if (local.equals("true") && !query.containsKey("scope")) {
            throw new RequestRefusedException(400, "local=true needs scope=<output topic>: the store key is scoped by it");
        }
        return new BizIdPath(bizId, topicParameter(query, "topic"), local.equals("true"), topicParameter(query, "scope"));
    }

    private static String topicParameter(Map<String, String> query, String name) {
        String topic = query.get(name);
        if (topic != null) {
            try {
                Topic.validate(topic);
            } catch (InvalidTopicException e) {
                throw new RequestRefusedException(400, "query parameter " + name + " " + RequestRefusedException.shown(topic)
                        + " is not a Kafka topic name (ASCII letters, digits, '.', '_' and '-', at most 249 characters)");
            }
        }
        return topic;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!PARAMETERS.contains(name)) {
                throw new RequestRefusedException(400, "unknown query parameter " + RequestRefusedException.shown(name)
                        + "; the lookup takes topic=<input or output topic>");
            }
            if (eq < 0 || params.put(name, PercentDecoder.decode(pair.substring(eq + 1), "query parameter " + name)) != null) {
                throw new RequestRefusedException(400, "query parameter " + name + " needs one value, given once: " + name + "=...");
            }
        }
        return params;
    }
}
