package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real OCI registry (Debian's {@code docker-registry}, distribution 2.8) on loopback, optionally
 * behind basic authentication from an htpasswd file.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start(tempDir)) {
 *   String host = registry.host(); // 127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class LocalRegistry implements AutoCloseable {

  private final ServerProcess process;

  private LocalRegistry(ServerProcess process) {
    this.process = process;
  }

  public static LocalRegistry start(Path dir) throws IOException {
    return start(dir, null);
  }

  /**
   * Starts a registry; with {@code htpasswd} (a bcrypt htpasswd file, e.g. from
   * {@code htpasswd -Bbn user pass}) it requires basic authentication.
   */
  public static LocalRegistry start(Path dir, Path htpasswd) throws IOException {
    Files.createDirectories(dir);
    int port = ServerProcess.freePort();
    Path storage = Files.createDirectories(dir.resolve("storage"));
    StringBuilder config = new StringBuilder()
        .append("version: 0.1\n")
        .append("log:\n  level: warn\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage).append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
    if (htpasswd != null) {
      config.append("auth:\n  htpasswd:\n    realm: ferry-test\n    path: ").append(htpasswd).append('\n');
    }
    Path file = dir.resolve("registry.yml");
    Files.writeString(file, config);
    String exe = ServerProcess.require("docker-registry", "docker-registry");
    return new LocalRegistry(ServerProcess.start("registry", List.of(exe, "serve", file.toString()), port, dir));
  }

  /** Writes an htpasswd file with one bcrypt user, using {@code htpasswd} from apache2-utils. */
  public static Path htpasswd(Path dir, String user, String password) throws IOException {
    Path file = dir.resolve("htpasswd");
    String exe = ServerProcess.require("htpasswd", "apache2-utils");
    // -i reads the password from stdin so that it never appears in a process argument
    Process p = new ProcessBuilder(exe, "-iBc", file.toString(), user).redirectErrorStream(true).start();
    p.getOutputStream().write((password + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    try {
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("htpasswd failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return file;
  }

  /** {@code 127.0.0.1:PORT}, for image references. */
  public String host() {
    return "127.0.0.1:" + process.port();
  }

  public String url() {
    return "http://" + host();
  }

  @Override
  public void close() {
    process.close();
  }
}
