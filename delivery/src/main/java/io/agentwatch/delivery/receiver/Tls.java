package io.agentwatch.delivery.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS client contexts: the JDK's trusted CAs, or the certificates of a receiver's trust-file. */
final class Tls {

  private Tls() {}

  static SSLContext context(Path trustFile) {
    try {
      if (trustFile == null) {
        return SSLContext.getDefault();
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(trustFile)) {
        int n = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trusted.setCertificateEntry("trusted-" + n++, certificate);
        }
        if (n == 0) {
          throw new IllegalArgumentException("trust-file: " + trustFile + " holds no PEM certificate");
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("trust-file: cannot read certificates from " + trustFile + ": " + e.getMessage(), e);
    }
  }
}
