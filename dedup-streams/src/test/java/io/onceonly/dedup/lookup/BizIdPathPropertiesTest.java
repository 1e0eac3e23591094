package io.onceonly.dedup.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.onceonly.contracts.wire.WireLimits;
import io.onceonly.runtime.RequestRefusedException;

/** Whatever path and query a client sends, the lookup reads a biz-id or refuses with a 4xx: no other exception. */
class BizIdPathPropertiesTest {

    @Property(tries = 2000)
    void anyPathAndQueryGiveABizIdOrA4xx(@ForAll("segments") String segment, @ForAll("queries") String query) {
        try {
            BizIdPath request = BizIdPath.parse(BizIdLookup.PATH + segment, query);
            assertThat(request.bizId()).isNotBlank().doesNotContain("/");
            assertThat(WireLimits.utf8Length(request.bizId())).isLessThanOrEqualTo(WireLimits.MAX_BIZ_ID_BYTES);
        } catch (RequestRefusedException e) {
            assertThat(e.status()).isBetween(400, 499);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1_000);
        }
    }

    @Property(tries = 1000)
    void everyIdAnEventCanHaveIsReadBackFromItsEncoding(@ForAll("ids") String bizId) {
        String encoded = URLEncoder.encode(bizId, StandardCharsets.UTF_8).replace("+", "%20");

        assertThat(BizIdPath.parse(BizIdLookup.PATH + encoded, null).bizId()).isEqualTo(bizId);
    }

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("..", ".", "%2F", "%2e%2E", "%", "%zz", "%C3", "%C3%A9", "%FF", "%00", "/", "//x", "a/b", "%5c")
                        .list().ofMaxSize(6).map(tokens -> String.join("", tokens)),
                Arbitraries.strings().withCharRange('a', 'f').ofMinLength(500).ofMaxLength(1_600));
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("topic=", "topic=outbox.payment", "local=true", "local=maybe", "scope=deduped.x", "&", "=", "x=1",
                        "topic=%zz", "topic=a%2Fb").list().ofMaxSize(3).map(parts -> String.join("&", parts)));
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(100)
                .filter(id -> !id.isBlank() && id.indexOf('/') < 0 && id.indexOf('\\') < 0 && id.indexOf('\0') < 0
                        && !id.equals(".") && !id.equals("..") && WireLimits.utf8Length(id) <= WireLimits.MAX_BIZ_ID_BYTES
                        && StandardCharsets.UTF_8.newEncoder().canEncode(id));
    }
}
