package io.onceonly.cli.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.onceonly.contracts.wire.OnceHeaders;

/** A record's bytes as a person reads them: UTF-8 text when they are text, else hex. */
public final class RecordText {

    private RecordText() {
    }

    /** The bytes as UTF-8 text, or {@code hex:...} when they are not UTF-8; {@code (null)} for none. */
    public static String of(byte[] bytes) {
        if (bytes == null) {
            return "(null)";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder hex = new StringBuilder("hex:");
            for (byte b : bytes) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        }
    }

    /** Every header, name to text, in the record's order (a repeated name shows its last value). */
    public static Map<String, String> headers(Headers headers) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Header header : headers) {
            all.put(header.key(), of(header.value()));
        }
        return all;
    }

    /** A header's last value as text. */
    public static Optional<String> header(Headers headers, String name) {
        return OnceHeaders.lastText(headers, name);
    }

    /** A header holding epoch milliseconds, as an instant; empty when absent or not a number. */
    public static Optional<Instant> timeHeader(Headers headers, String name) {
        try {
            return header(headers, name).map(text -> Instant.ofEpochMilli(Long.parseLong(text.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
