package io.onceonly.demo.membership.driver;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The faults the demo injects, each at the place in the pipeline where duplicates or loss are born. */
public enum Fault {

    CLIENT_RETRY("client-retry", "a client times out and sends the same purchase again (same request id)"),
    BUSINESS_RESEND("business-resend", "the payment service publishes PaymentCompleted again after an ambiguous failure"
            + " (new event id, same biz-id)"),
    CONNECTOR_CRASH("connector-crash", "the active connector instance is killed (SIGKILL) mid-stream: the standby takes over from"
            + " the last committed transaction, the killed one restarts as the new standby"),
    DEDUP_CRASH("dedup-crash", "the dedup app is killed (SIGKILL) mid-stream and restarted"),
    CARD_CRASH("card-crash", "the card service crashes after its database commit, before its Kafka offset commit"),
    MALFORMED_ROWS("malformed-rows", "raw SQL writes outbox rows that cannot be routed (unsafe aggregate type,"
            + " blank biz-id, blank event type)");

    // The fault's name before the connector was named by its module (docs/design.md, Naming); still accepted.
    private static final String FORMER_CONNECTOR_CRASH = "relay-crash";

    private final String option;
    private final String description;

    Fault(String option, String description) {
        this.option = option;
        this.description = description;
    }

    /** Its name in {@code --faults}. */
    public String option() {
        return option;
    }

    /** What it does, for the report. */
    public String description() {
        return description;
    }

    /**
     * Parses {@code none}, {@code all} or a comma-separated list of fault names.
     *
     * @throws IllegalArgumentException naming the unknown fault and the known ones
     */
    public static Set<Fault> parseList(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("all")) {
            return EnumSet.allOf(Fault.class);
        }
        Set<Fault> faults = EnumSet.noneOf(Fault.class);
        if (v.equals("none")) {
            return faults;
        }
        for (String name : v.split(",")) {
            String n = name.strip().equals(FORMER_CONNECTOR_CRASH) ? CONNECTOR_CRASH.option : name.strip();
            faults.add(Arrays.stream(values()).filter(f -> f.option.equals(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--faults: '" + n + "' is not a fault; use none, all, or a"
                            + " comma-separated list of " + Arrays.stream(values()).map(Fault::option).collect(Collectors.joining(", ")))));
        }
        return faults;
    }
}
