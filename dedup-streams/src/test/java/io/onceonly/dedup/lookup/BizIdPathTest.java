package io.onceonly.dedup.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.onceonly.runtime.RequestRefusedException;

class BizIdPathTest {

    @Test
    void readsOnePercentEncodedSegmentAndTheTopic() {
        BizIdPath request = BizIdPath.parse("/biz-ids/pay%20%C3%A9+1", "topic=outbox.payment");

        assertThat(request.bizId()).isEqualTo("pay é+1");
        assertThat(request.topic()).isEqualTo("outbox.payment");
        assertThat(request.local()).isFalse();
        assertThat(BizIdPath.parse("/biz-ids/p-1", "local=true&scope=deduped.payment"))
                .isEqualTo(new BizIdPath("p-1", null, true, "deduped.payment"));
    }

    @Test
    void aHugeIdIs400NamingTheContractsLimit() {
        refused("/biz-ids/" + "x".repeat(513), null, 400, "513 bytes of UTF-8, over the limit of 512");
        refused("/biz-ids/" + "%C3%A9".repeat(257), null, 400, "514 bytes");
        assertThat(BizIdPath.parse("/biz-ids/" + "x".repeat(512), null).bizId()).hasSize(512);
    }

    @Test
    void badPercentEncodingIs400() {
        refused("/biz-ids/a%zz", null, 400, "broken percent-escape at character 1");
        refused("/biz-ids/a%4", null, 400, "broken percent-escape");
        refused("/biz-ids/%FF%FE", null, 400, "is not UTF-8");
        refused("/biz-ids/p-1", "topic=a%", 400, "query parameter topic has a broken percent-escape");
    }

    @Test
    void pathTricksAre400Or404() {
        refused("/biz-ids/../health", null, 404, "one path segment");
        refused("/biz-ids//health", null, 404, "one path segment");
        refused("/biz-ids/p-1/", null, 404, "one path segment");
        refused("/biz-ids/", null, 404, "use GET /biz-ids/{bizId}");
        refused("/biz-ids/..", null, 400, "relative path segment");
        refused("/biz-ids/%2E%2E", null, 400, "relative path segment");
        refused("/biz-ids/..%2Fhealth", null, 400, "encoded '/'");
        refused("/biz-ids/a%2fb", null, 400, "encoded '/'");
        refused("/biz-ids/a%5Cb", null, 400, "encoded '/' or '\\'");
        refused("/biz-ids/%20%20", null, 400, "blank");
        refused("/biz-ids/a%00b", null, 400, "NUL");
        refused("/biz-idsx", null, 404, "/biz-ids/{bizId}");
    }

    @Test
    void unknownOrRepeatedParametersAndBadTopicsAre400() {
        refused("/biz-ids/p-1", "debug=1", 400, "unknown query parameter 'debug'");
        refused("/biz-ids/p-1", "topic=a&topic=b", 400, "needs one value, given once");
        refused("/biz-ids/p-1", "topic", 400, "needs one value");
        refused("/biz-ids/p-1", "topic=no/such", 400, "is not a Kafka topic name");
        refused("/biz-ids/p-1", "local=yes&scope=x", 400, "true or false");
        refused("/biz-ids/p-1", "local=true", 400, "local=true needs scope");
    }

    private static void refused(String path, String query, int status, String message) {
        assertThatThrownBy(() -> BizIdPath.parse(path, query)).as(path + "?" + query)
                .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
