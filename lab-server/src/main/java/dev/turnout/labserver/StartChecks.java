package dev.turnout.labserver;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadException;
import dev.turnout.payload.PayloadVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code omaha-server} checks before it serves anything, so a fleet is never offered a file
 * that is no update or a version nobody can compare: each payload is a CrAU payload, each version
 * is dotted numbers, the config file reads; a signature that does not verify under a given key is
 * a warning.
 */
final class StartChecks {
  private StartChecks() {}

  static LabServerMain.Config config(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "--config: no such file");
    }
    try {
      LabServerMain.Config c = LabServerMain.readConfig(file);
      for (Channel ch : c.channels()) {
        version(ch.version());
        crau(ch.payload().path());
      }
      return c;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("--config " + file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static Channel channel(String name, String version, Path payload, List<Path> extensions)
      throws IOException {
    version(version);
    crau(payload);
    for (Path e : extensions) {
      crau(e);
    }
    return Channel.of(name, version, payload, extensions);
  }

  private static void version(String v) {
    if (!v.matches("\\d+(\\.\\d+)*")) {
      throw new IllegalArgumentException("--version " + v + " is not a version: dotted numbers,"
          + " as 4081.2.0");
    }
  }

  private static void crau(Path p) throws IOException {
    byte[] magic;
    try (InputStream in = Files.newInputStream(p)) {
      magic = in.readNBytes(4);
    }
    if (!new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1).equals("CrAU")) {
      throw new IOException(p + " is not a CrAU update payload (payloads start with \"CrAU\")");
    }
  }

  /** Verifies each payload of {@code c} under {@code keys}; a failure is a warning, not fatal. */
  static void signatures(Channel c, List<Path> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    Channel.Served s = c.payload();
    try {
      PayloadVerifier.verify(s.path(), Keys.readPublic(keys));
    } catch (PayloadException e) {
      System.err.println("omaha-server: warning: " + s.path() + " does not verify under "
          + keys + ": " + e.getMessage() + "; machines that trust only those keys will refuse"
          + " it");
    }
  }

  /** One line for an expected failure at start. */
  static String describe(Exception e) {
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + ": No such file or directory";
    }
    if (e instanceof AccessDeniedException a) {
      return a.getFile() + ": Permission denied";
    }
    return e.getMessage();
  }
}
