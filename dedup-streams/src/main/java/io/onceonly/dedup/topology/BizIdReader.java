package io.onceonly.dedup.topology;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.common.header.Headers;

import io.onceonly.contracts.wire.OnceHeaders;

/** Reads the dedup key of a record: the {@code once-biz-id} header, or a field of the JSON value. */
final class BizIdReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonPointer pointer;

    /** @param source {@code header} or {@code json:<pointer>} */
    BizIdReader(String source) {
        this.pointer = source.startsWith("json:") ? JsonPointer.compile(source.substring("json:".length())) : null;
    }

    /**
     * @return the biz-id
     * @throws UnusableRecordException saying why there is none
     */
    String read(Headers headers, byte[] value) {
        if (pointer == null) {
            return OnceHeaders.lastText(headers, OnceHeaders.BIZ_ID).filter(id -> !id.isBlank())
                    .orElseThrow(() -> new UnusableRecordException("no " + OnceHeaders.BIZ_ID + " header (or it is empty):"
                            + " the record was not relayed by the Once connector, or its row had no biz-id"));
        }
        if (value == null) {
            throw new UnusableRecordException("the value is null, so it has no field " + pointer);
        }
        JsonNode node;
        try {
            node = JSON.readTree(value).at(pointer);
        } catch (IOException e) {
            throw new UnusableRecordException("the value is not JSON (" + e.getMessage().split("\n")[0] + "), so it has no field " + pointer);
        }
        if (node.isMissingNode() || node.isNull() || node.isContainerNode() || node.asText().isBlank()) {
            throw new UnusableRecordException("the value has no non-empty scalar at " + pointer);
        }
        return node.asText();
    }
}
