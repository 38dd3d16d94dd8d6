package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kustomization file of a directory, found under the names kustomize accepts.
 *
 * <pre>{@code Path file = Kustomization.find(Path.of("envs/dev/api"));}</pre>
 */
public final class Kustomization {

  /** The file names kustomize looks for, in its order. */
  public static final List<String> FILE_NAMES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  private Kustomization() {
  }

  /**
   * The kustomization file in {@code dir}.
   *
   * @throws InputException when the directory has none, or more than one (kustomize refuses that too)
   */
  public static Path find(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InputException("'" + dir + "' is not a directory", null,
          "pass the directory that holds kustomization.yaml", null);
    }
    List<Path> found = FILE_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    if (found.isEmpty()) {
      throw new InputException("no kustomization in '" + dir + "' (looked for " + String.join(", ", FILE_NAMES) + ")",
          null, "pass the directory of the overlay", null);
    }
    if (found.size() > 1) {
      throw new InputException("'" + dir + "' has several kustomization files: " + found.stream()
          .map(p -> p.getFileName().toString()).toList(), null, "keep one of them; kustomize refuses this too", null);
    }
    return found.get(0);
  }
}
