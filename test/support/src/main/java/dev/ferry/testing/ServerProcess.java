package dev.ferry.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real server started by a test on loopback, as a child process with an argument list. Closing
 * it stops the process. Its output goes to a log file that is included in start-up errors.
 *
 * <pre>{@code
 * try (ServerProcess p = ServerProcess.start("git-daemon", List.of("git", "daemon", ...), port, dir)) {
 *   ...
 * }
 * }</pre>
 */
public class ServerProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;

  protected ServerProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code command} and waits until it accepts connections on 127.0.0.1:port. */
  public static ServerProcess start(String name, List<String> command, int port, Path workDir)
      throws IOException {
    return start(name, command, Map.of(), port, workDir);
  }

  public static ServerProcess start(String name, List<String> command, Map<String, String> env,
      int port, Path workDir) throws IOException {
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    ServerProcess server = new ServerProcess(name, process, log, port);
    server.awaitPort(Duration.ofSeconds(30));
    return server;
  }

  /** A free TCP port on loopback. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** Finds an executable on the PATH or in the usual system folders, or fails naming the package. */
  public static String require(String executable, String debianPackage) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/usr/lib/git-core").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, executable);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(executable + " is not installed: apt-get install " + debianPackage
        + " (test/run installs it)");
  }

  void awaitPort(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + ": " + logText());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    close();
    throw new IOException(name + " did not listen on 127.0.0.1:" + port + " within " + timeout + ": " + logText());
  }

  public int port() {
    return port;
  }

  public String name() {
    return name;
  }

  public Process process() {
    return process;
  }

  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
