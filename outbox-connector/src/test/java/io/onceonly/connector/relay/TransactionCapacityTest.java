package io.onceonly.connector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The start-time refusal of clusters whose transaction log settings cannot be met, naming the setting. */
class TransactionCapacityTest {

    @Test
    void aTransactionLogThatNeedsMoreBrokersThanThereAreIsRefused() {
        assertThat(TransactionCapacity.problem(1, 3, 2, false)).hasValueSatisfying(p -> assertThat(p)
                .contains("transaction.state.log.replication.factor is 3").contains("1 broker").contains("at most 1")
                .contains("delivery.guarantee=at-least-once"));
    }

    @Test
    void anExistingTransactionLogIsNotRefusedForTheReplicationFactorSetting() {
        assertThat(TransactionCapacity.problem(1, 3, 1, true)).isEmpty();
    }

    @Test
    void aMinIsrAboveTheBrokerCountOrTheReplicationFactorIsRefused() {
        assertThat(TransactionCapacity.problem(2, 2, 3, true)).hasValueSatisfying(p -> assertThat(p)
                .contains("transaction.state.log.min.isr is 3").contains("2 brokers"));
        assertThat(TransactionCapacity.problem(3, 1, 2, false)).hasValueSatisfying(p -> assertThat(p)
                .contains("transaction.state.log.min.isr (2) is above transaction.state.log.replication.factor (1)"));
    }

    @Test
    void settingsTheClusterMeetsPass() {
        assertThat(TransactionCapacity.problem(3, 3, 2, false)).isEmpty();
        assertThat(TransactionCapacity.problem(1, 1, 1, false)).isEmpty();
    }
}
