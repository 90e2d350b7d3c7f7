package dev.turnout.engine.probe;

import dev.turnout.engine.TransientLoaderTest;
import java.lang.ref.WeakReference;
import java.util.function.Function;
import picocli.CommandLine;

/** Run by {@link TransientLoaderTest} in a transient loader: tells which loaders it sees. */
public final class Probe implements Function<String, String> {
  @Override
  public String apply(String input) {
    TransientLoaderTest.lastLoader = new WeakReference<>(getClass().getClassLoader());
    return input + " " + getClass().getClassLoader().getName()
        + " " + CommandLine.class.getClassLoader().getName()
        + " " + TransientLoaderTest.class.getClassLoader().getName();
  }
}
