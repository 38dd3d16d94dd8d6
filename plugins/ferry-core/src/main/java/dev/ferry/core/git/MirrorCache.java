package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FileTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The cache folder of one repository URL: a bare mirror and the lock file that processes sharing
 * the cache take turns with. Changes when the cache's layout or its locking changes.
 *
 * <pre>{@code
 * MirrorCache cache = new MirrorCache(EnvRepo.defaultCacheRoot(), url);
 * Repository repo = cache.open(shownUrl);
 * cache.withLock(() -> fetch(repo));
 * }</pre>
 */
final class MirrorCache {

  private static final Map<String, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  static {
    // before any mirror is opened: no git process is run to find the system configuration
    GitConfigSources.install();
  }

  /** Work done while holding the cache lock. */
  @FunctionalInterface
  interface LockedWork<T> {
    T run() throws IOException;
  }

  private final Path root;
  private final Path mirrorDir;
  private final Path lockFile;

  MirrorCache(Path root, String url) {
    this.root = root;
    String name = RemoteUrl.cacheName(url);
    this.mirrorDir = root.resolve(name + ".git");
    this.lockFile = root.resolve(name + ".lock");
  }

  Path mirrorDir() {
    return mirrorDir;
  }

  /** The cache folder this repository's mirror lives in, with the mirrors of other repositories. */
  Path root() {
    return root;
  }

  /** The prefix of the throwaway mirrors {@link #newThrowaway} makes in the cache folder. */
  private static final String THROWAWAY_PREFIX = ".history-";
  /** A throwaway older than this was left by a process that died. */
  private static final Duration THROWAWAY_STALE = Duration.ofDays(1);

  /**
   * A new empty folder in the cache folder, for a throwaway mirror that the caller deletes with
   * {@link FileTree#delete}. Throwaways a killed process left, older than a day, are deleted first.
   */
  Path newThrowaway() throws IOException {
    Files.createDirectories(root);
    Instant before = Instant.now().minus(THROWAWAY_STALE);
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        try {
          if (p.getFileName().toString().startsWith(THROWAWAY_PREFIX)
              && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
            FileTree.delete(p);
          }
        } catch (IOException another) {
          // another process is deleting it too: it goes either way
        }
      }
    }
    return Files.createTempDirectory(root, THROWAWAY_PREFIX);
  }

  /** Creates the mirror when it is missing (or half-created by a process that died) and opens it. */
  Repository open(String shownUrl) throws IOException {
    Files.createDirectories(root);
    withLock(() -> createMirrorIfMissing(shownUrl));
    return new FileRepositoryBuilder().setGitDir(mirrorDir.toFile()).setBare().build();
  }

  /**
   * Runs {@code work} holding the cache lock of this repository: a JVM lock (FileChannel locks
   * belong to the whole process) and then the lock file, which other processes respect.
   */
  <T> T withLock(LockedWork<T> work) throws IOException {
    ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().toString(), k -> new ReentrantLock());
    jvm.lock();
    try {
      if (jvm.getHoldCount() > 1) {
        return work.run();
      }
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = ch.lock()) {
        return work.run();
      }
    } finally {
      jvm.unlock();
    }
  }

  /** {@link #withLock}, with a lock that cannot be taken reported as the cache's fault. */
  <T> T locked(LockedWork<T> work) {
    try {
      return withLock(work);
    } catch (IOException e) {
      throw new ExternalException("cannot lock the git cache " + lockFile + ": " + e.getMessage(),
          "check that FERRY_CACHE points to a writable local folder", e);
    }
  }

  private Void createMirrorIfMissing(String shownUrl) throws IOException {
    if (Files.isRegularFile(mirrorDir.resolve("HEAD"))) {
      return null;
    }
    if (Files.exists(mirrorDir)) {
      // A process died while creating it: start again.
      FileTree.delete(mirrorDir);
    }
    try (Repository r = new FileRepository(mirrorDir.toFile())) {
      r.create(true);
      StoredConfig cfg = r.getConfig();
      cfg.setInt("gc", null, "auto", 0);
      cfg.setBoolean("core", null, "logAllRefUpdates", false);
      cfg.setString("ferry", null, "url", shownUrl);
      cfg.save();
    }
    return null;
  }
}
