package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;

/**
 * One thing wrong in {@code ferry.yaml}, found by validation.
 *
 * <pre>{@code ConfigLoader.problems("ferry.yaml", text, dir).forEach(p -> System.err.println(p));}</pre>
 *
 * @param location where, 1-based
 * @param message what is wrong and, where it helps, what is allowed
 */
public record ConfigProblem(SourceLocation location, String message) {

  /** {@code ferry.yaml:LINE:COL: message}. */
  @Override
  public String toString() {
    return location + ": " + message;
  }
}
