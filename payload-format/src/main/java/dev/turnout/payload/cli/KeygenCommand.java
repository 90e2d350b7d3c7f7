package dev.turnout.payload.cli;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.concurrent.Callable;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "keygen", description = "Make an RSA signing key pair in PEM: the private key"
    + " (PKCS#1, mode 0600) and its public half (SubjectPublicKeyInfo), as Flatcar's keys are.")
final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "the private key to write")
  Path out;

  @Option(names = "--public-out", required = true, description = "the public key to write")
  Path publicOut;

  @Option(names = "--bits", description = "key size (default 2048, as Flatcar's)")
  int bits = 2048;

  @Override
  public Integer call() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    KeyPair kp = g.generateKeyPair();
    Files.deleteIfExists(out);
    Files.createFile(out, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(out); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(kp.getPrivate());
    }
    try (Writer w = Files.newBufferedWriter(publicOut); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(kp.getPublic());
    }
    return 0;
  }
}
