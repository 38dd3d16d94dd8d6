package dev.ferry.core.git;

import dev.ferry.core.InputException;

/**
 * Keeps paths from configuration inside the repository: relative, '/'-separated, no '..', no
 * '.git' component, no backslash.
 *
 * <pre>{@code RepoPath.check("envs/dev/web/values.yaml");}</pre>
 */
public final class RepoPath {

  private RepoPath() {
  }

  /** Returns the path unchanged, or throws InputException saying why it is refused. */
  public static String check(String path) {
    if (path == null || path.isEmpty()) {
      throw refused(path, "it is empty");
    }
    if (path.indexOf('\\') >= 0) {
      throw refused(path, "it contains a backslash; use '/'");
    }
    if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
      throw refused(path, "it is absolute; give it relative to the repository root");
    }
    if (path.indexOf('\0') >= 0) {
      throw refused(path, "it contains a NUL character");
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty()) {
        throw refused(path, "it has an empty component ('//' or a trailing '/')");
      }
      if (part.equals("..") || part.equals(".")) {
        throw refused(path, "it contains a '" + part + "' segment");
      }
      if (part.equalsIgnoreCase(".git")) {
        throw refused(path, "it contains a '.git' component");
      }
    }
    return path;
  }

  /** Like {@link #check} but also accepts the repository root as "" or ".". */
  static String checkDir(String dir) {
    if (dir == null || dir.isEmpty() || dir.equals(".") || dir.equals("/")) {
      return "";
    }
    String d = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    return check(d);
  }

  private static InputException refused(String path, String why) {
    return new InputException("path '" + path + "' is not allowed in an environment repository: " + why,
        null, "use a path relative to the repository root, e.g. envs/dev/web/values.yaml", null);
  }
}
