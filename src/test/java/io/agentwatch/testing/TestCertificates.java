package io.agentwatch.testing;

import io.agentwatch.stack.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with {@code openssl}: a CA, a server certificate for 127.0.0.1 (subject
 * alternative name {@code IP:127.0.0.1}, so clients keep their default hostname verification) and
 * a client certificate, all EC P-256 and valid for two days.
 *
 * <p>The keystores are PEM files the way Kafka reads them ({@code ssl.keystore.type=PEM}): the
 * PKCS#8 private key and the certificate in one file. The keys are encrypted, each with its own
 * random password, with {@code PBE-SHA1-3DES}: Kafka decrypts a PEM key with the JCE algorithm
 * named in it, and JDK 17 has none called {@code PBES2}, which is what OpenSSL 3 writes by default
 * (AES-256-CBC), so such a key fails with "Private key could not be loaded".
 *
 * @param caCertificate the CA certificate (PEM): the truststore of both sides
 * @param serverKeystore the broker's encrypted key and certificate (PEM)
 * @param clientKeystore the client's encrypted key and certificate (PEM)
 * @param clientKeyPasswordFile the client key's password alone in a file, as the sensor reads it
 * @param keyFiles every file holding a private key, encrypted or not, for leak checks
 */
public record TestCertificates(Path caCertificate, Path serverKeystore, String serverKeyPassword,
    Path clientKeystore, String clientKeyPassword, Path clientKeyPasswordFile, List<Path> keyFiles) {

  private static final String CONFIG = """
      [req]
      distinguished_name = dn
      prompt = no
      [dn]
      [ca]
      basicConstraints = critical,CA:TRUE
      keyUsage = critical,keyCertSign,cRLSign
      subjectKeyIdentifier = hash
      [server]
      basicConstraints = critical,CA:FALSE
      keyUsage = critical,digitalSignature
      extendedKeyUsage = serverAuth
      subjectAltName = IP:127.0.0.1
      authorityKeyIdentifier = keyid
      [client]
      basicConstraints = critical,CA:FALSE
      keyUsage = critical,digitalSignature
      extendedKeyUsage = clientAuth
      authorityKeyIdentifier = keyid
      """;

  /** Makes the CA, server and client files in {@code dir} (created if missing). */
  public static TestCertificates create(Path dir) {
    try {
      Files.createDirectories(dir);
      Path config = Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
      Path caKey = dir.resolve("ca-key.pem");
      Path ca = dir.resolve("ca.pem");
      openssl(dir, "req", "-config", config.toString(), "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-noenc", "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2",
          "-subj", "/CN=AgentWatch test CA", "-extensions", "ca");
      List<Path> keyFiles = new ArrayList<>(List.of(caKey));
      String serverPassword = "server-" + UUID.randomUUID();
      Path server = leaf(dir, config, ca, caKey, "server", "/CN=127.0.0.1", serverPassword, keyFiles);
      String clientPassword = "client-" + UUID.randomUUID();
      Path client = leaf(dir, config, ca, caKey, "client", "/CN=agentwatch-sensor", clientPassword, keyFiles);
      Path clientPasswordFile = Files.writeString(dir.resolve("client-key-password"), clientPassword + "\n");
      return new TestCertificates(ca, server, serverPassword, client, clientPassword, clientPasswordFile, List.copyOf(keyFiles));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test certificates to " + dir, e);
    }
  }

  /** The broker side: the server keystore with its password, and the CA to check client certificates against. */
  public KafkaBroker.TlsFiles broker() {
    return new KafkaBroker.TlsFiles(serverKeystore, serverKeyPassword, caCertificate);
  }

  /** The base64 lines of every private key file: none of them may ever appear in a log. */
  public List<String> privateKeyLines() {
    List<String> lines = new ArrayList<>();
    for (Path file : keyFiles) {
      try {
        Files.readAllLines(file).stream().filter(line -> !line.startsWith("-----") && line.length() >= 40).forEach(lines::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return lines;
  }

  /** A key and certificate signed by the CA; returns the PEM keystore: encrypted PKCS#8 key, then certificate. */
  private static Path leaf(Path dir, Path config, Path ca, Path caKey, String name, String subject, String password,
      List<Path> keyFiles) throws IOException {
    Path key = dir.resolve(name + "-key.pem");
    Path certificate = dir.resolve(name + ".crt");
    openssl(dir, "req", "-config", config.toString(), "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-noenc", "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", subject,
        "-extensions", name, "-CA", ca.toString(), "-CAkey", caKey.toString());
    Path passwordFile = Files.writeString(dir.resolve(name + ".pass"), password);
    Path encryptedKey = dir.resolve(name + "-key.p8.pem");
    openssl(dir, "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", key.toString(), "-out", encryptedKey.toString(),
        "-passout", "file:" + passwordFile);
    Path keystore = dir.resolve(name + ".pem");
    Files.writeString(keystore, Files.readString(encryptedKey) + Files.readString(certificate));
    keyFiles.addAll(List.of(key, encryptedKey));
    return keystore;
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }
}
