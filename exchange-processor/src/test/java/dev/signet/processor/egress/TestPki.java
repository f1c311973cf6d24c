package dev.signet.processor.egress;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway certificate authority made at test time: nothing is kept on disk. */
final class TestPki {

  private static final AtomicLong SERIALS = new AtomicLong(1);
  private static final char[] PASSWORD = "test-only".toCharArray();

  private final KeyPair keys;
  private final X509Certificate certificate;

  private TestPki(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A server key and its chain, leaf first. */
  record ServerIdentity(PrivateKey key, X509Certificate leaf, X509Certificate issuer) {}

  static TestPki newCa(String commonName) {
    try {
      return newCaOrThrow(commonName);
    } catch (IOException e) {
      throw new IllegalStateException("cannot build a test CA", e);
    }
  }

  private static TestPki newCaOrThrow(String commonName) throws IOException {
    KeyPair keys = ecKeys();
    X500Name name = new X500Name("CN=" + commonName);
    X509v3CertificateBuilder builder =
        builder(name, name, keys)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new TestPki(keys, sign(builder, keys.getPrivate()));
  }

  /** A server certificate whose only subject alternative name is {@code dnsName}. */
  ServerIdentity issue(String dnsName) {
    return issue(dnsName, new GeneralName(GeneralName.dNSName, dnsName));
  }

  /** A server certificate whose only subject alternative name is the IP address {@code ip}. */
  ServerIdentity issueForAddress(String ip) {
    return issue(ip, new GeneralName(GeneralName.iPAddress, ip));
  }

  private ServerIdentity issue(String commonName, GeneralName alternativeName) {
    try {
      return issueOrThrow(commonName, alternativeName);
    } catch (IOException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  private ServerIdentity issueOrThrow(String commonName, GeneralName alternativeName)
      throws IOException {
    KeyPair server = ecKeys();
    X509v3CertificateBuilder builder =
        builder(issuerName(), new X500Name("CN=" + commonName), server)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
            .addExtension(
                Extension.subjectAlternativeName, false, new GeneralNames(alternativeName));
    return new ServerIdentity(server.getPrivate(), sign(builder, keys.getPrivate()), certificate);
  }

  /** A client context that trusts this CA and nothing else. */
  SSLContext trustingThisCa() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("test-ca", certificate);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the test trust store", e);
    }
  }

  static SSLContext serverContext(ServerIdentity identity) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "server",
          identity.key(),
          PASSWORD,
          new Certificate[] {identity.leaf(), identity.issuer()});
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the test server key store", e);
    }
  }

  private X500Name issuerName() {
    return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIALS.getAndIncrement()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM generates P-256 keys", e);
    }
  }
}
