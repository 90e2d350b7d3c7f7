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
 * as PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"). Parsed with BouncyCastle.
 */
public final class Keys {
  private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();

  private Keys() {}

  /** A trusted public key and the name messages use for it (its file name). */
  public record TrustedKey(String name, RSAPublicKey key) {}

  public static TrustedKey readPublic(Path pem) throws IOException {
    Object o = parse(pem);
    PublicKey key;
    if (o instanceof SubjectPublicKeyInfo spki) {
      key = CONVERTER.getPublicKey(spki);
    } else if (o instanceof PEMKeyPair pair) {
      key = CONVERTER.getKeyPair(pair).getPublic();
    } else {
      throw new IOException(pem + ": not a PEM public key");
    }
    if (!(key instanceof RSAPublicKey rsa)) {
      throw new IOException(pem + ": not an RSA key");
    }
    return new TrustedKey(pem.getFileName().toString(), rsa);
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
      return CONVERTER.getKeyPair(pair).getPrivate();
    }
    if (o instanceof PrivateKeyInfo info) {
      return CONVERTER.getPrivateKey(info);
    }
    throw new IOException(pem + ": not a PEM private key");
  }

  private static Object parse(Path pem) throws IOException {
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      if (o == null) {
        throw new IOException(pem + ": no PEM object in the file");
      }
      return o;
    }
  }
}
