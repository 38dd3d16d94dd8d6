package dev.ferry.core;

/**
 * Refused or failed on its merits: a policy refused a promotion, a gate failed, a scan found
 * blocking vulnerabilities, a server's hook rejected a push. Exit code 1.
 */
public final class RefusedException extends FerryException {

  public RefusedException(String message) {
    this(message, null, null);
  }

  public RefusedException(String message, String suggestion) {
    this(message, suggestion, null);
  }

  public RefusedException(String message, String suggestion, Throwable cause) {
    super(message, null, suggestion, cause);
  }

  @Override
  public int exitCode() {
    return 1;
  }
}
