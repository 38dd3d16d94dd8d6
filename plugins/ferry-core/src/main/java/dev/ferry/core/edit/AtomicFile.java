package dev.ferry.core.edit;

import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.TargetFileLimit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Reads a UTF-8 text file and writes it back atomically: the new text goes to a temporary file in
 * the same directory, which then replaces the file in one rename, so a reader sees the old or the
 * new file, never half of one. A path that a symbolic link redirects is refused, and a file over
 * {@link TargetFileLimit#MAX_BYTES} is not read. The file's permissions are kept. A byte-order mark stays in the
 * String as {@code \uFEFF}, so it is written back as it was.
 *
 * <pre>{@code
 * String before = AtomicFile.read(file);
 * boolean changed = AtomicFile.writeIfChanged(file, before, after);
 * }</pre>
 */
public final class AtomicFile {

  private AtomicFile() {
  }

  /**
   * The file's text.
   *
   * @throws InputException when the file is missing or not UTF-8
   */
  public static String read(Path file) {
    byte[] bytes;
    try {
      TargetFileLimit.check(file.toString(), Files.size(file));
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException("no such file: " + file, null, "check the path", e);
    } catch (IOException e) {
      throw new InputException("cannot read " + file + ": " + e.getMessage(), null, null, e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InputException(file + " is not UTF-8 text", null, "YAML files must be UTF-8", e);
    }
  }

  /**
   * Writes {@code newText} when it differs from {@code oldText}; otherwise leaves the file alone
   * (not even its modification time changes).
   *
   * @return whether the file was written
   */
  public static boolean writeIfChanged(Path file, String oldText, String newText) {
    if (oldText == newText || oldText.equals(newText)) {
      return false;
    }
    Path target = checkedTarget(file);
    Path dir = target.getParent();
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".ferry-tmp");
      Files.write(temp, newText.getBytes(StandardCharsets.UTF_8));
      keepPermissions(target, temp);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
      return true;
    } catch (IOException e) {
      throw new ExternalException("cannot write " + file + ": " + e.getMessage(),
          "check that the directory is writable and the disk is not full", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the temporary file is hidden and named for Ferry; a later run does not depend on it
        }
      }
    }
  }

  /**
   * Where {@code file} really is, refusing a path that a link redirects: a values file that is a
   * symbolic link, or a file under the current folder whose folders lead outside it, would make
   * Ferry write wherever the link points (another checkout, {@code ~/.ssh}). The rename then happens
   * in the real folder, so the temporary file and the file share one file system.
   */
  static Path checkedTarget(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    try {
      if (Files.isSymbolicLink(absolute)) {
        throw new InputException(file + " is a symbolic link (to " + Files.readSymbolicLink(absolute)
            + "); Ferry does not write through links", null, "edit the file it points to by its own path", null);
      }
      Path realDir = absolute.getParent().toRealPath();
      Path here = Path.of("").toAbsolutePath().normalize();
      Path realHere = here.toRealPath();
      if (absolute.startsWith(here) && !realDir.startsWith(realHere)) {
        throw new InputException(file + " leads outside " + here + " through a linked folder (to " + realDir
            + "); Ferry does not write through links", null, "edit the file by its real path", null);
      }
      return realDir.resolve(absolute.getFileName());
    } catch (IOException e) {
      throw new InputException("cannot resolve " + file + ": " + e.getMessage(), null, "check the path", e);
    }
  }

  private static void keepPermissions(Path from, Path to) throws IOException {
    PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView dest = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (source != null && dest != null && Files.exists(from)) {
      dest.setPermissions(source.readAttributes().permissions());
    } else if (dest != null) {
      dest.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
