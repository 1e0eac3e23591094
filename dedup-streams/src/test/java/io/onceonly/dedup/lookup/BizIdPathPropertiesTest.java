package io.onceonly.dedup.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.onceonly.contracts.wire.WireLimits;
import io.onceonly.runtime.RequestRefusedException;
import io.onceonly.testkit.RandomInputs;

/**
 * Whatever path and query a client sends, the lookup reads a biz-id or refuses with a 4xx: no other
 * exception. Inputs are seeded random ({@link RandomInputs}).
 */
class BizIdPathPropertiesTest {

    private final RandomInputs inputs = new RandomInputs();

    @Test
    void anyPathAndQueryGiveABizIdOrA4xx() {
        inputs.forAll(2000, this::segment, this::query, (segment, query) -> {
            try {
                BizIdPath request = BizIdPath.parse(BizIdLookup.PATH + segment, query);
                assertThat(request.bizId()).isNotBlank().doesNotContain("/");
                assertThat(WireLimits.utf8Length(request.bizId())).isLessThanOrEqualTo(WireLimits.MAX_BIZ_ID_BYTES);
            } catch (RequestRefusedException e) {
                assertThat(e.status()).isBetween(400, 499);
                assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1_000);
            }
        });
    }

    @Test
    void everyIdAnEventCanHaveIsReadBackFromItsEncoding() {
        inputs.forAll(1000, this::id, bizId -> {
            String encoded = URLEncoder.encode(bizId, StandardCharsets.UTF_8).replace("+", "%20");

            assertThat(BizIdPath.parse(BizIdLookup.PATH + encoded, null).bizId()).isEqualTo(bizId);
        });
    }

    /** Any short strings, tokens of separators, dot segments and escapes good and bad, or 500 to 1,600 characters. */
    private String segment() {
        return inputs.oneOf(() -> inputs.string(0, 40),
                () -> inputs.joined(6, () -> inputs.pick("..", ".", "%2F", "%2e%2E", "%", "%zz", "%C3", "%C3%A9", "%FF", "%00", "/",
                        "//x", "a/b", "%5c"), ""),
                () -> inputs.string(500, 1_600, 'a', 'f'));
    }

    /** No query, any short strings, or up to 3 known and unknown parameters. */
    private String query() {
        return inputs.oneOf(() -> null, () -> inputs.string(0, 30),
                () -> inputs.joined(3, () -> inputs.pick("topic=", "topic=outbox.payment", "local=true", "local=maybe",
                        "scope=deduped.x", "&", "=", "x=1", "topic=%zz", "topic=a%2Fb"), "&"));
    }

    /** Any string an event can have as its biz-id and a path segment can carry: 1 to 100 characters, UTF-8 encodable. */
    private String id() {
        String id;
        do {
            id = inputs.string(1, 100);
        } while (id.isBlank() || id.indexOf('/') >= 0 || id.indexOf('\\') >= 0 || id.indexOf('\0') >= 0 || id.equals(".")
                || id.equals("..") || WireLimits.utf8Length(id) > WireLimits.MAX_BIZ_ID_BYTES
                || !StandardCharsets.UTF_8.newEncoder().canEncode(id));
        return id;
    }
}
