package io.onceonly.connector.source;

import java.io.EOFException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.Set;

/** What a failed start-up statement means for the start: wait and try again, look again, or stop. */
enum SqlErrorKind {

    /** The server cannot answer yet or lost a race it resolves by itself: try again after a pause. */
    TRANSIENT,
    /** What was to be created exists now, made by a start running at the same time: check it instead. */
    ALREADY_EXISTS,
    /**
     * TLS could not be set up (an untrusted or mismatched certificate, a missing file, a server without TLS), or the
     * server refuses a connection without it: the TLS parameters are wrong, and trying again cannot help.
     */
    TLS,
    /** Trying again cannot help: a setting (password, database, privilege, table) is wrong. */
    PERMANENT;

    // 57P01/57P02: the server shuts down or crashed under an open session; 57P03: it is starting or stopping.
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");
    // 42710 duplicate_object, 42P07 duplicate_table; two concurrent CREATEs may also collide on a catalog
    // unique index (23505) after both found the name free.
    private static final Set<String> EXISTS_STATES = Set.of("42710", "42P07", "23505");

    static SqlErrorKind of(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return PERMANENT;
        }
        if (isTls(e)) {
            return TLS;
        }
        // Class 08: the connection could not be opened or broke (refused, reset, server gone).
        if (state.startsWith("08") || TRANSIENT_STATES.contains(state)) {
            return TRANSIENT;
        }
        return EXISTS_STATES.contains(state) ? ALREADY_EXISTS : PERMANENT;
    }

    private static boolean isTls(SQLException e) {
        String message = String.valueOf(e.getMessage());
        // The server's pg_hba.conf has only hostssl lines for us: "no pg_hba.conf entry for host ..., no encryption".
        if ("28000".equals(e.getSQLState())) {
            return message.contains("no encryption");
        }
        // The driver's TLS failures are class 08 like a refused connection, and say "SSL" (or name the host name
        // verifier); a connection that broke during the handshake (a server restarting) is still worth another try.
        if (!e.getSQLState().startsWith("08") || !(message.contains("SSL") || message.contains("ostnameverifier"))) {
            return false;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof EOFException || t instanceof SocketException) {
                return false;
            }
        }
        return true;
    }
}
