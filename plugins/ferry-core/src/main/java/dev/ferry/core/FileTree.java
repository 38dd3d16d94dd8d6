package dev.ferry.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder on disk and everything in it.
 *
 * <pre>{@code FileTree.delete(cache.resolve(".history-123"));}</pre>
 */
public final class FileTree {

  private FileTree() {
  }

  /** Deletes {@code dir} and everything in it; the first file that cannot be deleted is the error. */
  public static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
