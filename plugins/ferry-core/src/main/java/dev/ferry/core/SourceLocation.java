package dev.ferry.core;

/**
 * A place in a user's file, 1-based, printed as {@code file:line:column}.
 *
 * <pre>{@code SourceLocation.of("envs/dev/web/values.yaml", 3, 7)}</pre>
 */
public record SourceLocation(String file, int line, int column) {

  public static SourceLocation of(String file, int line, int column) {
    return new SourceLocation(file, line, column);
  }

  public static SourceLocation of(java.nio.file.Path file, int line, int column) {
    return new SourceLocation(file.toString(), line, column);
  }

  @Override
  public String toString() {
    if (line <= 0) {
      return file;
    }
    return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }
}
