package io.onceonly.runtime;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The option every app with an {@link OpsServer} has: the interface its HTTP endpoint listens on. */
public final class BindAddress {

    /** The option. */
    public static final String OPTION = "http.bind.address";

    /**
     * All interfaces: the endpoint must be reachable by a container's port mapping, an
     * orchestrator's probes and, for the dedup app, the other instances.
     */
    public static final String DEFAULT = "0.0.0.0";

    private BindAddress() {
    }

    /** Adds {@link #OPTION} to an app's options, at this place of its option table. */
    public static ConfigDef define(ConfigDef definition) {
        return definition.define(OPTION, Type.STRING, DEFAULT, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Address the HTTP endpoint listens on: 0.0.0.0 for all interfaces (IPv4), :: for all (IPv6 and IPv4),"
                        + " 127.0.0.1 for this machine only, or one of the machine's addresses or host names.");
    }
}
