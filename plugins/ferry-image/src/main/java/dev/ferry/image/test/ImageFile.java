package dev.ferry.image.test;

/**
 * A path in an image's filesystem after all layers are applied.
 *
 * @param path absolute, e.g. {@code /app/run}
 * @param type what it is
 * @param mode permission bits (e.g. {@code 0755}, with setuid/setgid/sticky)
 * @param uid owner
 * @param gid group
 * @param size bytes of a regular file
 * @param linkTarget a link's target, or null
 * @param content the bytes of a regular file when they were asked for, else null
 */
public record ImageFile(String path, Type type, int mode, long uid, long gid, long size, String linkTarget,
    byte[] content) {

  public enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

  /** {@code ls -l} style: {@code -rwxr-xr-x}, {@code drwxr-xr-x}, {@code lrwxrwxrwx}. */
  public String permissions() {
    char kind = switch (type) {
      case DIRECTORY -> 'd';
      case SYMLINK -> 'l';
      default -> '-';
    };
    StringBuilder s = new StringBuilder().append(kind);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    if ((mode & 04000) != 0) {
      s.setCharAt(3, s.charAt(3) == 'x' ? 's' : 'S');
    }
    if ((mode & 02000) != 0) {
      s.setCharAt(6, s.charAt(6) == 'x' ? 's' : 'S');
    }
    if ((mode & 01000) != 0) {
      s.setCharAt(9, s.charAt(9) == 'x' ? 't' : 'T');
    }
    return s.toString();
  }

  /** Octal mode with four digits, e.g. {@code 0755}. */
  public String octalMode() {
    return String.format("%04o", mode & 07777);
  }
}
