package dev.turnout.payload;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM keys as Flatcar ships them: public keys as SubjectPublicKeyInfo ("PUBLIC KEY"), private keys
 * as PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"). Parsed with BouncyCastle, but for the
 * one form the daemon reads, a "PUBLIC KEY", which the JDK's own {@code KeyFactory} decodes: the
 * daemon then never loads BouncyCastle's PEM converter, whose tables of every algorithm it knows
 * are several hundred classes kept resident (docs/benchmarks.md). Tests hold both to the same keys.
 */
public final class Keys {
  private static final String BEGIN_PUBLIC = "-----BEGIN PUBLIC KEY-----";
  private static final String END_PUBLIC = "-----END PUBLIC KEY-----";

  /** BouncyCastle's converter, made on first use. */
  private static final class Bc {
    static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();
  }

  private Keys() {}

  /** A trusted public key and the name messages use for it (its file name). */
  public record TrustedKey(String name, RSAPublicKey key) {}

  public static TrustedKey readPublic(Path pem) throws IOException {
    PublicKey key = jdkPublic(pem);
    if (key == null) {
      key = bcPublic(pem);
    }
    if (!(key instanceof RSAPublicKey rsa)) {
      throw new IOException(pem + ": not an RSA key");
    }
    return new TrustedKey(pem.getFileName().toString(), rsa);
  }

  /**
   * A single "PUBLIC KEY" PEM block (and nothing else but blank lines) read by the JDK; null for
   * any other form, which BouncyCastle then reads.
   */
  static PublicKey jdkPublic(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.ISO_8859_1).strip();
    if (!text.startsWith(BEGIN_PUBLIC) || !text.endsWith(END_PUBLIC)
        || text.indexOf(BEGIN_PUBLIC, 1) >= 0) {
      return null;
    }
    String body = text.substring(BEGIN_PUBLIC.length(), text.length() - END_PUBLIC.length());
    try {
      byte[] der = java.util.Base64.getMimeDecoder().decode(body);
      return java.security.KeyFactory.getInstance("RSA")
          .generatePublic(new java.security.spec.X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      return null; // let BouncyCastle say what is wrong with it
    }
  }

  /** Any public key form BouncyCastle's PEM parser knows. */
  static PublicKey bcPublic(Path pem) throws IOException {
    Object o = parse(pem);
    if (o instanceof SubjectPublicKeyInfo spki) {
      return Bc.CONVERTER.getPublicKey(spki);
    } else if (o instanceof PEMKeyPair pair) {
      return Bc.CONVERTER.getKeyPair(pair).getPublic();
    }
    throw new IOException(pem + ": not a PEM public key");
  }

  /** Every key of a list of PEM files, in order (the trusted keys of a rotation). */
  public static java.util.List<TrustedKey> readPublic(java.util.List<Path> pems)
      throws IOException {
    java.util.List<TrustedKey> keys = new java.util.ArrayList<>();
    for (Path p : pems) {
      keys.add(readPublic(p));
    }
    return keys;
  }

  public static PrivateKey readPrivate(Path pem) throws IOException {
    Object o = parse(pem);
    if (o instanceof PEMKeyPair pair) {
      return Bc.CONVERTER.getKeyPair(pair).getPrivate();
    }
    if (o instanceof PrivateKeyInfo info) {
      return Bc.CONVERTER.getPrivateKey(info);
    }
    throw new IOException(pem + ": not a PEM private key");
  }

  private static Object parse(Path pem) throws IOException {
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o;
      try {
        o = parser.readObject();
      } catch (IOException | RuntimeException e) {
        throw new IOException(pem + ": " + e.getMessage(), e);
      }
      if (o == null) {
        throw new IOException(pem + ": no PEM object in the file");
      }
      return o;
    }
  }
}
