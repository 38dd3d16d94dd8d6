package dev.ferry.core.git;

import dev.ferry.core.InputException;

/**
 * One git trailer line {@code Key: value} at the end of a commit message.
 *
 * <pre>{@code new Trailer("Ferry-Service", "web")}</pre>
 */
public record Trailer(String key, String value) {

  public Trailer {
    if (key == null || !key.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
      throw new InputException("invalid trailer key '" + key + "': use letters, digits and '-'");
    }
    if (value == null || value.contains("\n") || value.contains("\r")) {
      throw new InputException("invalid value for trailer " + key + ": it must be one line");
    }
  }

  @Override
  public String toString() {
    return key + ": " + value;
  }
}
