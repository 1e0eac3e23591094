package io.onceonly.faultmatrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class MatrixOptionsTest {

    @Test
    void theOutageIsTenSecondsUnlessGiven() {
        assertThat(MatrixOptions.parse(new String[0]).outage()).isEqualTo(Duration.ofSeconds(10));
        assertThat(MatrixOptions.parse(new String[] {"--outage=PT6S"}).outage()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void anOutageThatIsNoDurationOrNotPositiveIsNamed() {
        assertThatThrownBy(() -> MatrixOptions.parse(new String[] {"--outage=6"})).hasMessageContaining("--outage=6 is not an ISO-8601");
        assertThatThrownBy(() -> MatrixOptions.parse(new String[] {"--outage=PT0S"})).hasMessageContaining("--outage=PT0S must be");
    }
}
