package io.onceonly.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * One request written as raw bytes, for what an HTTP client refuses to send (bad escapes, odd
 * methods, partial requests); the answer as text, read until the server closes or a generous
 * timeout passes.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** The server's whole answer to {@code request} (sent with {@code Connection: close}), empty when it closed without one. */
    static String exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return readAll(socket.getInputStream());
        }
    }

    /** {@code METHOD target HTTP/1.1} with a Host header and {@code Connection: close}. */
    static String exchange(int port, String method, String target) throws IOException {
        return exchange(port, (method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // A reset after the answer, or instead of one: what arrived is the answer.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status code of an answer, or -1 when there was none. */
    static int status(String answer) {
        return answer.startsWith("HTTP/1.1 ") && answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : -1;
    }

    /** The body of an answer. */
    static String body(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        return end < 0 ? "" : answer.substring(end + 4);
    }
}
