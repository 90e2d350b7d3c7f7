package dev.turnout.payload;

import java.nio.file.Path;

/** Lets tests in other packages find the test keys. */
public final class TestPayloadsAccess {
  private TestPayloadsAccess() {}

  public static Path testdata() {
    return TestPayloads.TESTDATA;
  }
}
