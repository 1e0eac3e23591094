package io.onceonly.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {

    @Test
    void namesInsideFunctionsAggregationsAndOperatorsAreFound() {
        assertThat(PromQlMetricNames.in("histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{job=\"x\"}[$__rate_interval])))"))
                .containsExactly("a_seconds_bucket");
        assertThat(PromQlMetricNames.in("max by (instance) (a) == 1 and on (instance) increase(b_total[10m]) == 0"
                + " or on(instance) c{status=\"DOWN\"} offset 5m > 1e3"))
                .containsExactly("a", "b_total", "c");
        assertThat(PromQlMetricNames.in("time() - max(last_seconds > 0)")).containsExactly("last_seconds");
    }

    @Test
    void labelsStringsRangesAndKeywordsAreNoNames() {
        assertThat(PromQlMetricNames.in("sum without (topic, partition) (lag{topic=~\"outbox.*\", partition!=\"0\"}) unless bool x"))
                .containsExactly("lag", "x");
        assertThat(PromQlMetricNames.in("label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")")).containsExactly("up");
    }
}
