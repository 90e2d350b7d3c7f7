package dev.turnout.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A class loader for code the daemon runs once and never again, such as picocli reading its
 * command line. The classes of the packages it is given are defined afresh from the application's
 * own class path; every other class comes from the parent. Classes of the application loader
 * stay loaded for the life of the process, and a resident daemon would carry them (their
 * metadata, their symbols) for weeks; once this loader and everything it made are unreachable,
 * the next full collection unloads its classes and gives their memory back.
 *
 * <p>Only public types may cross the boundary: a class defined here is in a different runtime
 * package from its namesakes in the parent, so package-private access to them fails.
 */
final class TransientLoader extends ClassLoader {
  private final List<String> packages;

  /** @param packages prefixes of class names, such as {@code "picocli."}, to define here */
  public TransientLoader(ClassLoader parent, List<String> packages) {
    super("transient", parent);
    this.packages = List.copyOf(packages);
  }

  /**
   * Runs {@code function}, a {@link Function} with a public no-argument constructor, in a
   * loader of its own holding {@code packages} and the function's own package (each a prefix,
   * subpackages included), and returns what it returned. The loader is unreachable once this
   * returns, unless the result refers to it.
   */
  public static <T, R> R apply(String function, T input, String... packages) {
    ClassLoader parent = TransientLoader.class.getClassLoader();
    String own = function.substring(0, function.lastIndexOf('.') + 1);
    List<String> isolated = new ArrayList<>(List.of(packages));
    isolated.add(own);
    try {
      Class<?> type = Class.forName(function, true, new TransientLoader(parent, isolated));
      @SuppressWarnings("unchecked")
      Function<T, R> f = (Function<T, R>) type.getConstructor().newInstance();
      return f.apply(input);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load " + function + ": " + e, e);
    }
  }

  /** Whether {@code className} is defined here rather than by the parent. */
  private boolean defines(String className) {
    return packages.stream().anyMatch(className::startsWith);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!defines(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        byte[] bytes = classFile(name);
        c = defineClass(name, bytes, 0, bytes.length);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private byte[] classFile(String name) throws ClassNotFoundException {
    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class " + name, e);
    }
  }
}
