package dev.ferry.core;

import java.util.Optional;

/**
 * The one root of every error Ferry reports to a user. Each subtype maps to one exit code of the
 * command line; the message says what happened and where, the suggestion what to do about it.
 *
 * <pre>{@code
 * throw new InputException("unknown environment 'qa' (known: dev, staging, prod)",
 *     SourceLocation.of(Path.of("ferry.yaml"), 12, 5));
 * }</pre>
 */
public abstract sealed class FerryException extends RuntimeException
    permits InputException, RefusedException, ExternalException {

  private final transient SourceLocation location;
  private final String suggestion;

  protected FerryException(String message, SourceLocation location, String suggestion, Throwable cause) {
    super(message, cause);
    this.location = location;
    this.suggestion = suggestion;
  }

  /** The exit code of the command line for this kind of error: 1, 2 or 3. */
  public abstract int exitCode();

  /** Where in the user's input the problem is, when it is in a file. */
  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }

  /** What the user can do about it, when Ferry knows. */
  public Optional<String> suggestion() {
    return Optional.ofNullable(suggestion);
  }

  /** The message prefixed with its location, as printed to users: {@code file:line:col: message}. */
  public String describe() {
    String where = location == null ? "" : location + ": ";
    return where + getMessage();
  }
}
