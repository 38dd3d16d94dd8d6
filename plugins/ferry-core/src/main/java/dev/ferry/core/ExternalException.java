package dev.ferry.core;

/**
 * An outside system failed after retries: a git server, a registry, Argo CD, Prometheus. Exit code
 * 3. The message names the system (URL without credentials) and what it answered.
 */
public final class ExternalException extends FerryException {

  public ExternalException(String message) {
    this(message, null, null);
  }

  public ExternalException(String message, Throwable cause) {
    this(message, null, cause);
  }

  public ExternalException(String message, String suggestion, Throwable cause) {
    super(message, null, suggestion, cause);
  }

  @Override
  public int exitCode() {
    return 3;
  }
}
