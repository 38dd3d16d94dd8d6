package dev.ferry.core;

/**
 * The largest file Ferry edits, locally or in an environment repository. JGit loads a blob into
 * one array only up to its big-file threshold (50 MiB); the editor then holds the text as a String
 * and a code-point index besides. Image values files are kilobytes: a larger file is refused, with
 * its name and the limit, before anything reads it whole.
 *
 * <pre>{@code TargetFileLimit.check("envs/dev/web/values.yaml in " + repo, size);}</pre>
 */
public final class TargetFileLimit {

  /** 50 MiB: JGit's default {@code core.streamFileThreshold}, the largest blob it reads into memory. */
  public static final long MAX_BYTES = 50L * 1024 * 1024;

  private TargetFileLimit() {
  }

  /** @throws InputException (exit 2) when {@code size} is over {@link #MAX_BYTES} */
  public static void check(String file, long size) {
    if (size > MAX_BYTES) {
      throw new InputException(file + " is " + bytes(size) + "; Ferry edits files up to 50 MiB ("
          + bytes(MAX_BYTES) + ")", null,
          "keep image values in a small file of their own (a values file per service), not in a generated bundle",
          null);
    }
  }

  private static String bytes(long n) {
    return String.format(java.util.Locale.ROOT, "%,d bytes", n);
  }
}
