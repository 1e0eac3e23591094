package io.onceonly.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test with {@code openssl} (which must be on the path), and
 * the certificates it signs: nothing is committed, every file lives in the directory given (a test's
 * temporary directory) and is valid for two days. For test servers only: the keys are not encrypted
 * unless a password is given.
 */
public final class CertificateAuthority {

    private final Path dir;
    private final String name;

    private CertificateAuthority(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new CA named {@code name}, its key and certificate in {@code dir}. */
    public static CertificateAuthority authority(Path dir, String name) throws IOException {
        CertificateAuthority ca = new CertificateAuthority(dir, name);
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", ca.key().toString(), "-out", ca.certificate().toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** The CA's certificate (PEM): what a client names in {@code sslrootcert} or {@code ssl.truststore.location}. */
    public Path certificate() {
        return dir.resolve(name + ".crt");
    }

    private Path key() {
        return dir.resolve(name + ".key");
    }

    /**
     * A server certificate for localhost and 127.0.0.1 (subjectAltName, as verify-full checks) and its
     * PEM key with mode 0600, which PostgreSQL requires of {@code ssl_key_file}.
     *
     * @return the certificate; the key is beside it, {@code .key} for {@code .crt}
     */
    public Path server(String file) throws IOException {
        Path cert = sign(file, "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Files.setPosixFilePermissions(dir.resolve(file + ".key"), PosixFilePermissions.fromString("rw-------"));
        return cert;
    }

    /**
     * A client certificate for the database user {@code user} (its common name, as PostgreSQL's {@code cert}
     * authentication matches it) and its key as the driver reads it: PKCS#8 DER, encrypted with {@code password}.
     *
     * @return the certificate; the key is beside it, {@code .pk8} for {@code .crt}
     */
    public Path client(String file, String user, String password) throws IOException {
        Path cert = sign(file, user, "extendedKeyUsage=clientAuth\n");
        // PBE-SHA1-3DES: an encryption the JDK's EncryptedPrivateKeyInfo decrypts without extra providers.
        openssl(dir, "pkcs8", "-topk8", "-inform", "PEM", "-outform", "DER", "-in", dir.resolve(file + ".key").toString(),
                "-out", dir.resolve(file + ".pk8").toString(), "-v1", "PBE-SHA1-3DES", "-passout", "pass:" + password);
        Files.setPosixFilePermissions(dir.resolve(file + ".pk8"), PosixFilePermissions.fromString("rw-------"));
        return cert;
    }

    /**
     * A server certificate as {@link #server} makes it, written with its key into one PEM file, as a
     * Kafka listener reads it with {@code ssl.keystore.type=PEM} (an unencrypted PKCS#8 key, then the chain).
     *
     * @return the PEM key store
     */
    public Path serverKeyStore(String file) throws IOException {
        Path cert = server(file);
        Path store = dir.resolve(file + ".keystore.pem");
        Files.writeString(store, Files.readString(dir.resolve(file + ".key"), StandardCharsets.US_ASCII)
                + Files.readString(cert, StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
        return store;
    }

    private Path sign(String file, String commonName, String extensions) throws IOException {
        Path ext = dir.resolve(file + ".ext");
        Files.writeString(ext, extensions, StandardCharsets.US_ASCII);
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName,
                "-keyout", dir.resolve(file + ".key").toString(), "-out", dir.resolve(file + ".csr").toString());
        openssl(dir, "x509", "-req", "-days", "2", "-in", dir.resolve(file + ".csr").toString(),
                "-CA", certificate().toString(), "-CAkey", key().toString(),
                "-set_serial", Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)),
                "-extfile", ext.toString(), "-out", dir.resolve(file + ".crt").toString());
        return dir.resolve(file + ".crt");
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path output = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("openssl did not finish in 60 s: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("openssl failed (exit " + p.exitValue() + "): " + command + "\n" + Files.readString(output));
        }
    }
}
