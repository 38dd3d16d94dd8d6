package dev.ferry.core.git;

/**
 * Computes a file's new text from its current text. Ferry calls it again on the new branch head
 * when a push lost a race, so it must depend only on its arguments.
 *
 * <pre>{@code FileChange bump = (path, text) -> editor.setHelmImage(path, text, image);}</pre>
 */
@FunctionalInterface
public interface FileChange {

  /**
   * @param path the file's path in the repository
   * @param currentText its current text (UTF-8), or null when it does not exist
   * @return the new text; the same instance (or equal text) when unchanged; null deletes the file
   * @throws dev.ferry.core.FerryException when the file cannot be changed (not YAML, ...)
   */
  String apply(String path, String currentText);
}
