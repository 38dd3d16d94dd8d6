package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code git daemon} serving the bare repositories under a base folder over git://, with
 * receive-pack enabled, on loopback.
 *
 * <pre>{@code
 * try (GitDaemon git = GitDaemon.start(tempDir)) {
 *   Path bare = git.createBareRepo("env.git");
 *   String url = git.url("env.git"); // git://127.0.0.1:PORT/env.git
 * }
 * }</pre>
 */
public final class GitDaemon implements AutoCloseable {

  private final Path base;
  private final ServerProcess process;

  private GitDaemon(Path base, ServerProcess process) {
    this.base = base;
    this.process = process;
  }

  public static GitDaemon start(Path base) throws IOException {
    Files.createDirectories(base);
    int port = ServerProcess.freePort();
    String git = ServerProcess.require("git", "git");
    List<String> cmd = List.of(git, "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=" + port,
        "--base-path=" + base, "--export-all", "--enable=receive-pack", "--informative-errors",
        "--max-connections=0",
        base.toString());
    return new GitDaemon(base, ServerProcess.start("git-daemon", cmd, port, base));
  }

  /** Creates an empty bare repository {@code name} under the base folder. */
  public Path createBareRepo(String name) throws IOException {
    Path dir = base.resolve(name);
    Git.run(base, "init", "--bare", "--quiet", "-b", "main", dir.toString());
    return dir;
  }

  public String url(String name) {
    return "git://127.0.0.1:" + process.port() + "/" + name;
  }

  public Path base() {
    return base;
  }

  public int port() {
    return process.port();
  }

  /**
   * Simulates a server crash: kills git daemon and every process serving a connection (receive-pack,
   * its hooks) at once with SIGKILL, so no answer reaches the client.
   */
  public void crash() {
    java.util.List<ProcessHandle> all = new java.util.ArrayList<>(process.process().descendants().toList());
    all.add(process.process().toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    process.close();
  }

  @Override
  public void close() {
    process.close();
  }

  /** Runs the git CLI, for seeding and checking repositories as a user would. */
  public static final class Git {
    private Git() {
    }

    /** Runs {@code git args...} in {@code dir}; returns stdout; fails with stderr on a non-zero exit. */
    public static String run(Path dir, String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add("git");
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
      pb.environment().put("GIT_AUTHOR_NAME", "Test");
      pb.environment().put("GIT_AUTHOR_EMAIL", "test@example.com");
      pb.environment().put("GIT_COMMITTER_NAME", "Test");
      pb.environment().put("GIT_COMMITTER_EMAIL", "test@example.com");
      pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
      Path err = Files.createTempFile("git-err", ".txt");
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      try {
        int code = p.waitFor();
        String stderr = Files.readString(err);
        if (code != 0) {
          throw new IOException("git " + String.join(" ", args) + " failed (" + code + "): " + stderr);
        }
        return out;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } finally {
        Files.deleteIfExists(err);
      }
    }
  }
}
