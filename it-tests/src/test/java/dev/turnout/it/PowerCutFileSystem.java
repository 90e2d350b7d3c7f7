package dev.turnout.it;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real file system seen through a volatile write cache, as a disk with its cache on loses it
 * at a power cut. Writes land in a page cache that every later read sees, and reach the real file
 * only when a channel on it is forced ({@link FileChannel#force}), like fsync. Names are held to the
 * same rule: a file or directory created, renamed or removed is on disk only once its directory
 * (for a rename, the target's) is forced, as POSIX promises and vfat (Flatcar's /boot) needs.
 *
 * <p>{@link #cutAt} chooses the power cut: the n-th changing call (a write, force, truncate,
 * create, rename, delete or new directory) drops every page not yet forced, undoes every name
 * change whose directory was not forced, and fails, as does every call after it. What the real
 * files hold then is exactly what the cut would have left on disk.
 *
 * <p>Paths of this file system wrap real paths: {@link #wrap} one (a machine's root, its disk
 * image) and hand it to the code under test; everything it resolves from it stays here.
 */
final class PowerCutFileSystem extends FileSystem {
  private static final int PAGE = 4096;

  private final FileSystem real = FileSystems.getDefault();
  private final Provider provider = new Provider();
  private final Map<String, Inode> cache = new HashMap<>();
  /** Name changes whose directory was not forced yet, oldest first; guarded by {@code cache}. */
  private final java.util.List<Pending> pending = new java.util.ArrayList<>();
  private final AtomicLong changes = new AtomicLong();
  private volatile long cutAt = Long.MAX_VALUE;
  private volatile java.util.function.Predicate<String> cutWhen = c -> false;
  private volatile boolean cut;
  private volatile String cutDuring = "";
  private volatile IOException undoFailure;

  /** What undoes a name change in {@code dir} that a cut catches before the directory is forced. */
  private record Pending(String dir, Undo undo) {}

  private interface Undo {
    void run() throws IOException;
  }

  /** The cached state of one file: pages written but not forced, and its size as seen. */
  private static final class Inode {
    final TreeMap<Long, byte[]> dirty = new TreeMap<>();
    long size;

    Inode(long size) {
      this.size = size;
    }
  }

  Path wrap(Path path) {
    return new CutPath(this, path.toAbsolutePath());
  }

  /** Cuts the power at the {@code n}-th changing call from now on (1 for the very next). */
  void cutAt(long n) {
    cutAt = changes.get() + n;
  }

  /**
   * Cuts the power at the first changing call that {@code when} accepts, given its description
   * ("write /path @offset +length", "force /path", "move /a -> /b", "create /path"...).
   */
  void cutWhen(java.util.function.Predicate<String> when) {
    cutWhen = when;
  }

  /** The changing calls so far. */
  long changes() {
    return changes.get();
  }

  boolean isCut() {
    return cut;
  }

  /** Why a name change could not be undone at the cut (the simulation itself failed), or null. */
  IOException undoFailure() {
    return undoFailure;
  }

  /** What the cut interrupted: "write /path", "force /path", "move /a -> /b"... */
  String cutDuring() {
    return cutDuring;
  }

  private void alive() throws IOException {
    if (cut) {
      throw new IOException("power cut (simulated)");
    }
  }

  /**
   * Counts one changing call, {@code what}; at the chosen one the power goes. Callers hold the
   * {@code cache} lock through the change itself, so nothing runs between a cut and its undoing.
   */
  private void change(String what) throws IOException {
    alive();
    long n = changes.incrementAndGet();
    if (n >= cutAt || cutWhen.test(what)) {
      cut = true;
      cutDuring = what;
      cache.clear();
      for (int i = pending.size() - 1; i >= 0; i--) {
        try {
          pending.get(i).undo().run();
        } catch (IOException e) {
          undoFailure = e;
        }
      }
      pending.clear();
      throw new IOException("power cut (simulated)");
    }
  }

  private void pending(Path realPath, Undo undo) {
    pending.add(new Pending(key(realPath.getParent()), undo));
  }

  /** Forcing a directory makes the name changes in it durable. */
  private void forced(String dir) {
    pending.removeIf(p -> p.dir().equals(dir));
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(p)) {
        for (Path c : s.toList()) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  private static Path unwrap(Path p) {
    if (p instanceof CutPath c) {
      return c.real;
    }
    throw new java.nio.file.ProviderMismatchException(p + " is not a " + CutPath.class);
  }

  private static String key(Path realPath) {
    return realPath.toAbsolutePath().normalize().toString();
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return real.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return java.util.List.of(wrap(real.getPath("/")));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return real.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return real.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return new CutPath(this, real.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = real.getPathMatcher(syntaxAndPattern);
    return p -> m.matches(unwrap(p));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return real.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException();
  }

  /** A real path, seen through the cache. */
  private record CutPath(PowerCutFileSystem fs, Path real) implements Path {
    private Path of(Path p) {
      return p == null ? null : new CutPath(fs, p);
    }

    private Path other(Path p) {
      return p instanceof CutPath c ? c.real : real.getFileSystem().getPath(p.toString());
    }

    @Override
    public FileSystem getFileSystem() {
      return fs;
    }

    @Override
    public boolean isAbsolute() {
      return real.isAbsolute();
    }

    @Override
    public Path getRoot() {
      return of(real.getRoot());
    }

    @Override
    public Path getFileName() {
      return of(real.getFileName());
    }

    @Override
    public Path getParent() {
      return of(real.getParent());
    }

    @Override
    public int getNameCount() {
      return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
      return of(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
      return of(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
      return real.startsWith(other(other));
    }

    @Override
    public boolean endsWith(Path other) {
      return real.endsWith(other(other));
    }

    @Override
    public Path normalize() {
      return of(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
      return of(real.resolve(other(other)));
    }

    @Override
    public Path relativize(Path other) {
      return of(real.relativize(other(other)));
    }

    @Override
    public URI toUri() {
      return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
      return of(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
      return of(real.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
        WatchEvent.Modifier... modifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int compareTo(Path other) {
      return real.compareTo(other(other));
    }

    @Override
    public String toString() {
      return real.toString();
    }
  }

  private final class Provider extends FileSystemProvider {
    private final FileSystemProvider inner = real.provider();

    @Override
    public String getScheme() {
      return "powercut";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      return PowerCutFileSystem.this;
    }

    @Override
    public Path getPath(URI uri) {
      return wrap(inner.getPath(uri));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
        FileAttribute<?>... attrs) throws IOException {
      return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
        FileAttribute<?>... attrs) throws IOException {
      Path realPath = unwrap(path);
      boolean writing = options.contains(StandardOpenOption.WRITE)
          || options.contains(StandardOpenOption.APPEND);
      Set<OpenOption> realOptions = new java.util.HashSet<>(options);
      realOptions.remove(StandardOpenOption.APPEND);
      realOptions.remove(StandardOpenOption.TRUNCATE_EXISTING);
      realOptions.remove(StandardOpenOption.DSYNC);
      realOptions.remove(StandardOpenOption.SYNC);
      if (options.contains(StandardOpenOption.APPEND)) {
        realOptions.add(StandardOpenOption.WRITE);
      }
      synchronized (cache) {
        alive();
        boolean creates = writing && (options.contains(StandardOpenOption.CREATE)
            || options.contains(StandardOpenOption.CREATE_NEW)) && !Files.exists(realPath);
        if (creates || writing && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
          change((creates ? "create " : "truncate ") + path);
        }
        FileChannel ch = inner.newFileChannel(realPath, realOptions, attrs);
        if (creates) {
          pending(realPath, () -> {
            Files.deleteIfExists(realPath);
          });
        }
        Inode inode = cache.get(key(realPath));
        if (inode == null) {
          inode = new Inode(ch.size());
          cache.put(key(realPath), inode);
        }
        if (writing && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
          inode.dirty.clear();
          inode.size = 0;
        }
        return new CachedChannel(path.toString(), ch, inode,
            options.contains(StandardOpenOption.APPEND),
            Files.isDirectory(realPath) ? key(realPath) : null);
      }
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir,
        DirectoryStream.Filter<? super Path> filter) throws IOException {
      alive();
      DirectoryStream<Path> s = inner.newDirectoryStream(unwrap(dir),
          p -> filter.accept(wrap(p)));
      return new DirectoryStream<>() {
        @Override
        public Iterator<Path> iterator() {
          Iterator<Path> it = s.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Path next() {
              return wrap(it.next());
            }
          };
        }

        @Override
        public void close() throws IOException {
          s.close();
        }
      };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
      Path realDir = unwrap(dir);
      synchronized (cache) {
        alive();
        if (Files.exists(realDir)) {
          inner.createDirectory(realDir, attrs); // fails as it should, and changes nothing
        }
        change("mkdir " + dir);
        inner.createDirectory(realDir, attrs);
        pending(realDir, () -> deleteTree(realDir));
      }
    }

    @Override
    public void delete(Path path) throws IOException {
      Path realPath = unwrap(path);
      synchronized (cache) {
        alive();
        if (!Files.exists(realPath, LinkOption.NOFOLLOW_LINKS)) {
          inner.delete(realPath); // NoSuchFileException, nothing changed
        }
        change("delete " + path);
        boolean dir = Files.isDirectory(realPath, LinkOption.NOFOLLOW_LINKS);
        byte[] durable = dir ? null : Files.readAllBytes(realPath);
        inner.delete(realPath);
        cache.remove(key(realPath));
        pending(realPath, () -> {
          if (dir) {
            Files.createDirectories(realPath);
          } else {
            Files.write(realPath, durable);
          }
        });
      }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
      try (FileChannel in = newFileChannel(source, Set.of(StandardOpenOption.READ));
          FileChannel out = newFileChannel(target, Set.of(StandardOpenOption.WRITE,
              StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
        in.transferTo(0, in.size(), out);
      }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
      Path from = unwrap(source);
      Path to = unwrap(target);
      synchronized (cache) {
        alive();
        change("move " + source + " -> " + target);
        byte[] replaced = Files.isRegularFile(to) ? Files.readAllBytes(to) : null;
        inner.move(from, to, options);
        Inode moved = cache.remove(key(from));
        cache.remove(key(to));
        if (moved != null) {
          cache.put(key(to), moved);
        }
        pending(to, () -> {
          Files.move(to, from, StandardCopyOption.REPLACE_EXISTING);
          if (replaced != null) {
            Files.write(to, replaced);
          }
        });
      }
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
      return inner.isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
      return inner.isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
      return inner.getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
      alive();
      inner.checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
        LinkOption... options) {
      return inner.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
        LinkOption... options) throws IOException {
      alive();
      A a = inner.readAttributes(unwrap(path), type, options);
      Inode inode;
      synchronized (cache) {
        inode = cache.get(key(unwrap(path)));
      }
      if (inode == null || type != BasicFileAttributes.class) {
        return a;
      }
      long size = inode.size; // the size as the cache sees it
      return (A) new BasicFileAttributes() {
        @Override
        public FileTime lastModifiedTime() {
          return a.lastModifiedTime();
        }

        @Override
        public FileTime lastAccessTime() {
          return a.lastAccessTime();
        }

        @Override
        public FileTime creationTime() {
          return a.creationTime();
        }

        @Override
        public boolean isRegularFile() {
          return a.isRegularFile();
        }

        @Override
        public boolean isDirectory() {
          return a.isDirectory();
        }

        @Override
        public boolean isSymbolicLink() {
          return a.isSymbolicLink();
        }

        @Override
        public boolean isOther() {
          return a.isOther();
        }

        @Override
        public long size() {
          return a.isRegularFile() ? size : a.size();
        }

        @Override
        public Object fileKey() {
          return a.fileKey();
        }
      };
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes,
        LinkOption... options) throws IOException {
      alive();
      return inner.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
        throws IOException {
      synchronized (cache) {
        change("set " + attribute + " " + path);
        inner.setAttribute(unwrap(path), attribute, value, options);
      }
    }
  }

  /** A channel whose writes go to the page cache, and to the real file on force. */
  private final class CachedChannel extends FileChannel {
    private final String name;
    private final FileChannel file;
    private final Inode inode;
    private final boolean append;
    private final String directory;
    private long position;

    /** {@code directory}: the key of the directory this channel is open on, else null. */
    CachedChannel(String name, FileChannel file, Inode inode, boolean append, String directory) {
      this.name = name;
      this.file = file;
      this.inode = inode;
      this.append = append;
      this.directory = directory;
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
      alive();
      synchronized (cache) {
        if (at >= inode.size) {
          return -1;
        }
        int n = (int) Math.min(dst.remaining(), inode.size - at);
        for (int done = 0; done < n; ) {
          long pos = at + done;
          long page = pos / PAGE;
          int off = (int) (pos % PAGE);
          int len = Math.min(n - done, PAGE - off);
          byte[] cached = inode.dirty.get(page);
          dst.put(cached != null ? cached : readPage(page), off, len);
          done += len;
        }
        return n;
      }
    }

    /** A page as the real file holds it, zeros past its end. */
    private byte[] readPage(long page) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(PAGE);
      while (b.hasRemaining()) {
        if (file.read(b, page * PAGE + b.position()) < 0) {
          break;
        }
      }
      return b.array();
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
      synchronized (cache) {
        change("write " + name + " @" + at + " +" + src.remaining());
        int n = src.remaining();
        for (int done = 0; done < n; ) {
          long pos = at + done;
          long page = pos / PAGE;
          int off = (int) (pos % PAGE);
          int len = Math.min(n - done, PAGE - off);
          byte[] p = inode.dirty.get(page);
          if (p == null) {
            p = pos - off < inode.size ? readPage(page) : new byte[PAGE];
            inode.dirty.put(page, p);
          }
          src.get(p, off, len);
          done += len;
        }
        inode.size = Math.max(inode.size, at + n);
        return n;
      }
    }

    @Override
    public void force(boolean metaData) throws IOException {
      synchronized (cache) {
        change("force " + name);
        if (directory != null) {
          file.force(metaData);
          forced(directory);
          return;
        }
        for (Map.Entry<Long, byte[]> e : inode.dirty.entrySet()) {
          long start = e.getKey() * PAGE;
          int len = (int) Math.min(PAGE, inode.size - start);
          if (len > 0) {
            ByteBuffer b = ByteBuffer.wrap(e.getValue(), 0, len);
            while (b.hasRemaining()) {
              file.write(b, start + b.position());
            }
          }
        }
        inode.dirty.clear();
        if (file.size() > inode.size) {
          file.truncate(inode.size);
        }
        file.force(metaData);
      }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      synchronized (cache) {
        change("truncate " + name + " " + size);
        if (size < inode.size) {
          inode.size = size;
          inode.dirty.tailMap((size + PAGE - 1) / PAGE).clear();
          byte[] last = inode.dirty.get(size / PAGE);
          if (last != null) {
            java.util.Arrays.fill(last, (int) (size % PAGE), PAGE, (byte) 0);
          }
        }
        position = Math.min(position, size);
      }
      return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n = read(dst, position);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (append) {
        position = size();
      }
      int n = write(src, position);
      position += n;
      return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        int n = read(dsts[i]);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        total += n;
      }
      return total;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += write(srcs[i]);
      }
      return total;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public FileChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      alive();
      synchronized (cache) {
        return inode.size;
      }
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
      long done = 0;
      while (done < count) {
        b.clear().limit((int) Math.min(b.capacity(), count - done));
        int n = read(b, at + done);
        if (n <= 0) {
          break;
        }
        b.flip();
        while (b.hasRemaining()) {
          target.write(b);
        }
        done += n;
      }
      return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
      long done = 0;
      while (done < count) {
        b.clear().limit((int) Math.min(b.capacity(), count - done));
        int n = src.read(b);
        if (n <= 0) {
          break;
        }
        b.flip();
        done += write(b, at + done);
      }
      return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
      throw new UnsupportedOperationException("no mapped files through the power-cut cache");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) throws IOException {
      return file.lock(at, size, shared);
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
      return file.tryLock(at, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }
  }
}
