package io.onceonly.demo.membership.services;

import java.io.PrintStream;
import java.util.Arrays;

import io.onceonly.demo.membership.card.CardIssuingApp;
import io.onceonly.demo.membership.payment.PaymentApp;

/**
 * {@code java -jar membership-services.jar payment-service|card-service [options]}: the membership
 * demo's two services as deployable apps, one jar for both (the images of docker/compose.yaml run
 * them so). The first argument picks the service; the rest are its options.
 */
public final class MembershipServices {

    /** First argument that runs the payment service. */
    public static final String PAYMENT_SERVICE = "payment-service";
    /** First argument that runs the card-issuing service. */
    public static final String CARD_SERVICE = "card-service";

    private static final String USAGE = "Usage: java -jar membership-services.jar " + PAYMENT_SERVICE + "|" + CARD_SERVICE
            + " [--config FILE] [--option=value ...] [--list-options] [--help]";

    private MembershipServices() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /** Whether {@code command} names one of the services. */
    public static boolean names(String command) {
        return PAYMENT_SERVICE.equals(command) || CARD_SERVICE.equals(command);
    }

    /**
     * Runs the service that {@code args[0]} names with the remaining arguments, until it stops.
     *
     * @return the service's exit code, or 2 with the usage on {@code err} when {@code args[0]} names none
     */
    public static int run(String[] args, PrintStream err) {
        if (args.length == 0 || !names(args[0])) {
            err.println((args.length == 0 ? "Usage error: name the service to run" : "Usage error: '" + args[0] + "' is not a service")
                    + ": " + PAYMENT_SERVICE + " or " + CARD_SERVICE + "\n" + USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return args[0].equals(PAYMENT_SERVICE) ? PaymentApp.run(rest) : CardIssuingApp.run(rest);
    }
}
