package io.onceonly.demo.membership.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.onceonly.demo.membership.card.CardIssuingApp;
import io.onceonly.demo.membership.payment.PaymentApp;
import io.onceonly.runtime.OptionsTable;

/** Each service's option table in the README is what {@code <service> --list-options} prints, so that neither drifts. */
class MembershipServicesReadmeTest {

    private static final String MODULE = "membership-services";

    @Test
    void thePaymentServiceTableIsWhatItsListOptionsPrints() throws Exception {
        assertThat(OptionsTable.differenceInReadme(MODULE, MembershipServices.PAYMENT_SERVICE, PaymentApp.definition(),
                List.of())).isEmpty();
    }

    @Test
    void theCardServiceTableIsWhatItsListOptionsPrints() throws Exception {
        assertThat(OptionsTable.differenceInReadme(MODULE, MembershipServices.CARD_SERVICE, CardIssuingApp.definition(),
                CardIssuingApp.passThrough())).isEmpty();
    }
}
