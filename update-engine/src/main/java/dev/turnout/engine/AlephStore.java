package dev.turnout.engine;

import java.io.IOException;

/** Where {@code aleph-version}, the first version this machine ran, is kept. */
interface AlephStore {
  /** The first version this machine ran, or empty before it is kept. */
  String alephVersion() throws IOException;

  /** Keeps {@code version} as the first version this machine ran. */
  void keepAlephVersion(String version) throws IOException;
}
