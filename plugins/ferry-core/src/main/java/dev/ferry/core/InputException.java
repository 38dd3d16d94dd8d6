package dev.ferry.core;

/**
 * Bad input: usage, configuration, YAML, an image reference, a path. Exit code 2. Nothing was
 * changed.
 */
public final class InputException extends FerryException {

  public InputException(String message) {
    this(message, null, null, null);
  }

  public InputException(String message, SourceLocation location) {
    this(message, location, null, null);
  }

  public InputException(String message, SourceLocation location, String suggestion, Throwable cause) {
    super(message, location, suggestion, cause);
  }

  @Override
  public int exitCode() {
    return 2;
  }
}
