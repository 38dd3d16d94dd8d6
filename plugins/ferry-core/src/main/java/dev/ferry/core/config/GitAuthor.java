package dev.ferry.core.config;

/**
 * The author of Ferry's commits ({@code git.author} in {@code ferry.yaml}).
 *
 * <pre>{@code new GitAuthor("Ferry", "ferry@example.com")}</pre>
 */
public record GitAuthor(String name, String email) {

  /** Used when {@code ferry.yaml} names no author. */
  public static final GitAuthor DEFAULT = new GitAuthor("Ferry", "ferry@localhost");
}
