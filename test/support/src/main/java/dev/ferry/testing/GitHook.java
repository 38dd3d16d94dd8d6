package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Installs a server-side hook (a shell script) in a bare repository, e.g. a pre-receive hook that
 * refuses pushes, as branch protection on a forge would.
 *
 * <pre>{@code GitHook.install(bare, "pre-receive", "echo 'protected branch' >&2\nexit 1\n");}</pre>
 */
public final class GitHook {

  private GitHook() {
  }

  /** Writes {@code hooks/<name>} with {@code #!/bin/sh} and the given body, executable. */
  public static Path install(Path bareRepo, String name, String body) throws IOException {
    Path hook = bareRepo.resolve("hooks").resolve(name);
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    return hook;
  }

  /** Removes the hook again. */
  public static void remove(Path bareRepo, String name) throws IOException {
    Files.deleteIfExists(bareRepo.resolve("hooks").resolve(name));
  }
}
