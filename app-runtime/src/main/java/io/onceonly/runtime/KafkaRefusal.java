package io.onceonly.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Kafka refused an app's client: its login failed (authentication) or an ACL is missing
 * (authorization). Neither passes by retrying, so the apps stop on it, and this says why in one
 * sentence an operator can act on: what was refused, to which principal, and the fix
 * ({@code kafka.sasl.jaas.config}, or the {@code kafka-acls} command that grants the permission).
 * The ACLs each app needs are in docker/README.md.
 *
 * @param login true when the login failed (a wrong option: user, password, trust store), false for a missing ACL
 * @param message the sentence
 */
public record KafkaRefusal(boolean login, String message) {

    private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    /**
     * The refusal in {@code error} or its causes, if any.
     *
     * @param kafka the client settings the failing client had ({@code kafka.*} without the prefix), for the principal
     *     and the bootstrap servers the sentence names
     */
    public static Optional<KafkaRefusal> in(Throwable error, Map<String, ?> kafka) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof AuthenticationException login) {
                return Optional.of(new KafkaRefusal(true, loginFailed(login, kafka)));
            }
            if (e instanceof AuthorizationException denied) {
                return Optional.of(new KafkaRefusal(false, denied(denied, kafka)));
            }
        }
        return Optional.empty();
    }

    /** {@code User:<name>} when {@code kafka.sasl.jaas.config} names a user, else a description of who the client is. */
    public static String principal(Map<String, ?> kafka) {
        Matcher user = JAAS_USER.matcher(String.valueOf(kafka.get("sasl.jaas.config")));
        if (user.find()) {
            return "User:" + user.group(1);
        }
        String protocol = setting(kafka, "security.protocol", "PLAINTEXT");
        return protocol.startsWith("SASL") ? "the SASL user of kafka.sasl.jaas.config"
                : protocol.equals("SSL") ? "the principal of the client certificate" : "User:ANONYMOUS";
    }

    private static String setting(Map<String, ?> kafka, String name, String kafkaDefault) {
        Object value = kafka.get(name);
        return value == null ? kafkaDefault : value.toString();
    }

    private static String loginFailed(AuthenticationException e, Map<String, ?> kafka) {
        String at = "Kafka at " + kafka.get("bootstrap.servers");
        if (e instanceof SslAuthenticationException) {
            return "the TLS handshake with " + at + " failed (" + e.getMessage() + "): check that kafka.ssl.truststore.location"
                    + " (and kafka.ssl.truststore.type) holds the CA of the brokers' certificates, and that those certificates name"
                    + " the hosts of kafka.bootstrap.servers";
        }
        String user = principal(kafka);
        String mechanism = setting(kafka, "sasl.mechanism", "GSSAPI");
        String name = user.startsWith("User:") ? user.substring("User:".length()) : "<user>";
        if (e instanceof SaslAuthenticationException) {
            return at + " refused the SASL login of " + user + " (" + mechanism + "): check the username and password in"
                    + " kafka.sasl.jaas.config, and that the cluster has a " + mechanism + " credential for that user (kafka-configs"
                    + " --bootstrap-server <admin listener> --alter --entity-type users --entity-name " + name + " --add-config '"
                    + mechanism + "=[password=<password>]'). Kafka said: " + e.getMessage();
        }
        return at + " refused the login of " + user + " (" + e.getMessage() + "): check kafka.security.protocol and the"
                + " kafka.sasl.* and kafka.ssl.* options";
    }

    private static String denied(AuthorizationException e, Map<String, ?> kafka) {
        String user = principal(kafka);
        String grant = "kafka-acls --bootstrap-server <admin listener> --add --allow-principal " + user;
        String at = "Kafka at " + kafka.get("bootstrap.servers") + " denied " + user + " ";
        String acls = "; the ACLs each app needs are in docker/README.md";
        if (e instanceof TopicAuthorizationException topics) {
            String names = String.join(",", topics.unauthorizedTopics());
            return at + "access to topic " + names + " (a topic it reads needs READ, one it writes WRITE, one it creates CREATE,"
                    + " also when it does not exist yet and the cluster would create it): grant it (" + grant
                    + " --operation Read|Write|Create --topic " + names + ")" + acls;
        }
        if (e instanceof GroupAuthorizationException group) {
            String id = group.groupId() != null ? group.groupId() : "<group>";
            return at + "access to consumer group " + id + ": grant READ on it (" + grant + " --operation Read --group " + id + ")"
                    + acls;
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            Object id = kafka.get("transactional.id");
            return at + "its transactional id" + (id != null ? " " + id : "") + ": grant WRITE on it (" + grant
                    + " --operation Write --transactional-id " + (id != null ? id : "<id>") + ", or with --resource-pattern-type"
                    + " prefixed the prefix of the ids, for Kafka Streams its application.id)" + acls;
        }
        if (e instanceof ClusterAuthorizationException) {
            return at + "an operation on the cluster (" + e.getMessage() + "): grant what it names (" + grant
                    + " --operation <operation> --cluster)" + acls;
        }
        return at + "a request (" + e + "): grant what it names" + acls;
    }
}
