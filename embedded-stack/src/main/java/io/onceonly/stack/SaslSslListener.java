package io.onceonly.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * A second client listener of a {@link KafkaBroker} where clients must log in with SCRAM-SHA-512
 * over TLS, and may do only what ACLs grant their user: the broker then runs the
 * {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}.
 *
 * <pre>{@code
 * SaslSslListener sasl = SaslSslListener.create(dir);
 * KafkaBroker broker = KafkaBroker.builder().saslSsl(sasl).build().start();
 * sasl.addUser(broker, "relay", password);
 * sasl.grant(broker, List.of(new AclBinding(...)));
 * Map<String, String> client = sasl.clientSettings("relay", password);   // bootstrap.servers included
 * }</pre>
 *
 * <p><b>Test only:</b> the broker's PLAINTEXT and controller listeners stay open without login, and
 * their principal, {@code User:ANONYMOUS}, is a super user, so that the test itself (topics, users,
 * ACLs, reading topics back) and the node's own broker-to-controller traffic need no ACLs. A client
 * of this listener is always the SCRAM user it logged in as, never {@code ANONYMOUS}, so the ACLs
 * hold for every client that uses it. A real deployment has no unauthenticated listener.
 */
public final class SaslSslListener {

    /** The listener's name in the broker's configuration. */
    static final String NAME = "SASL_SSL";
    /** The SCRAM mechanism of logins on this listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final int ITERATIONS = 4096;
    private static final long TIMEOUT_SECONDS = 30;

    private final int port;
    private final Path keyStore;
    private final Path trustStore;

    private SaslSslListener(int port, Path keyStore, Path trustStore) {
        this.port = port;
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /**
     * A listener on a free loopback port, with a certificate authority and a server certificate for
     * 127.0.0.1 and localhost made with {@code openssl} in {@code dir}.
     */
    public static SaslSslListener create(Path dir) throws IOException {
        CertificateAuthority ca = CertificateAuthority.authority(dir, "once-kafka-test-ca");
        return new SaslSslListener(FreePort.next(), ca.serverKeyStore("kafka-broker"), ca.certificate());
    }

    /** {@code host:port} of this listener, for a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The CA certificate (PEM) a client trusts: {@code ssl.truststore.location} with {@code ssl.truststore.type=PEM}. */
    public Path trustStore() {
        return trustStore;
    }

    /**
     * The client settings to log in as {@code user} on this listener: {@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and the trust store.
     * An app takes each under its {@code kafka.} prefix.
     */
    public Map<String, String> clientSettings(String user, String password) {
        Map<String, String> client = new LinkedHashMap<>();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        client.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        client.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        client.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        client.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore.toString());
        return client;
    }

    /**
     * Creates or replaces the SCRAM-SHA-512 credential of {@code user} through {@code broker}'s
     * plaintext listener, and returns once the broker knows it.
     */
    public void addUser(KafkaService broker, String user, String password) {
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
        withAdmin(broker, "add the SCRAM user " + user, admin -> {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user, info, password)))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Await.until("the SCRAM user " + user + " known to the broker", Duration.ofSeconds(TIMEOUT_SECONDS),
                    () -> admin.describeUserScramCredentials(List.of(user)).description(user).get(5, TimeUnit.SECONDS) != null);
        });
    }

    /** Creates {@code acls} through {@code broker}'s plaintext listener, and returns once its authorizer holds them. */
    public void grant(KafkaService broker, Collection<AclBinding> acls) {
        withAdmin(broker, "create ACLs " + acls, admin -> {
            admin.createAcls(List.copyOf(acls)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            awaitAcls(admin, acls);
        });
    }

    // Admin calls return once the controller committed; the broker's authorizer applies the metadata a moment later.
    private static void awaitAcls(Admin admin, Collection<AclBinding> acls) {
        Await.until("the broker's authorizer holding " + acls, Duration.ofSeconds(TIMEOUT_SECONDS),
                () -> admin.describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS).containsAll(acls));
    }

    /** The broker settings of this listener, over {@code plain}, the broker's own listener settings. */
    Map<String, String> brokerConfig(Map<String, String> plain) {
        String prefix = "listener.name." + NAME.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", plain.get("listeners") + "," + NAME + "://127.0.0.1:" + port);
        p.put("advertised.listeners", plain.get("advertised.listeners") + "," + NAME + "://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", plain.get("listener.security.protocol.map") + "," + NAME + ":SASL_SSL");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
        p.put(prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put(prefix + "ssl.keystore.type", "PEM");
        p.put(prefix + "ssl.keystore.location", keyStore.toString());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        // Test only (see the class comment): the unauthenticated listeners are the test's own and the node's.
        p.put("super.users", "User:ANONYMOUS");
        return p;
    }

    private static void withAdmin(KafkaService broker, String what, AdminCall call) {
        Properties props = broker.clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
        try (Admin admin = Admin.create(props)) {
            call.run(admin);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + " on " + broker.bootstrapServers() + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + " on " + broker.bootstrapServers() + " within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    @FunctionalInterface
    private interface AdminCall {
        void run(Admin admin) throws InterruptedException, ExecutionException, TimeoutException;
    }
}
