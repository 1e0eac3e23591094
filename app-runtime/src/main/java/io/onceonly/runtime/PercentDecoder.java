package io.onceonly.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict decoding of one percent-encoded URI component (RFC 3986), a path segment or a query
 * value. Unlike {@link java.net.URLDecoder}, which decodes HTML forms, {@code +} stays {@code +},
 * and a broken escape or bytes that are not UTF-8 are refused instead of replaced, so that no two
 * spellings of a request mean the same thing by accident.
 */
public final class PercentDecoder {

    private PercentDecoder() {
    }

    /**
     * Decodes {@code raw}.
     *
     * @param what what the component is, for the message: "the biz-id", "query parameter topic"
     * @throws RequestRefusedException 400, naming the bad escape and where it is, or saying that the
     *     decoded bytes are not UTF-8
     */
    public static String decode(String raw, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int plain = 0;
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) != '%') {
                continue;
            }
            bytes.writeBytes(utf8(raw.substring(plain, i), raw, what));
            int high = i + 2 < raw.length() ? hexDigit(raw.charAt(i + 1)) : -1;
            int low = high >= 0 ? hexDigit(raw.charAt(i + 2)) : -1;
            if (low < 0) {
                throw new RequestRefusedException(400, what + " has a broken percent-escape at character " + i + " of "
                        + RequestRefusedException.shown(raw) + ": '%' must be followed by two hex digits (write '%25' for '%')");
            }
            bytes.write(high * 16 + low);
            i += 2;
            plain = i + 1;
        }
        bytes.writeBytes(utf8(raw.substring(plain), raw, what));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw notText(raw, what);
        }
    }

    // Only ASCII hex digits: Character.digit would also take other scripts' digits.
    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static byte[] utf8(String text, String raw, String what) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw notText(raw, what);
        }
    }

    private static RequestRefusedException notText(String raw, String what) {
        return new RequestRefusedException(400, what + " " + RequestRefusedException.shown(raw)
                + " is not UTF-8 once percent-decoded: percent-encode the UTF-8 bytes of the text");
    }
}
