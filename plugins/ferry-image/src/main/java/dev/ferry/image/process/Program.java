package dev.ferry.image.process;

import dev.ferry.core.ChildEnvironment;
import dev.ferry.core.ExternalException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An external program (buildah, docker, trivy) run with an argument list, never a shell string,
 * with a timeout; its output is captured so that a failure can quote it. Secrets go in the
 * environment, never in the arguments; the environment holds only what {@code kind} needs plus
 * what the caller adds ({@link ChildEnvironment}), never the rest of Ferry's.
 *
 * <pre>{@code
 * Program.Result r = new Program("/usr/bin/buildah", Duration.ofMinutes(10))
 *     .run(List.of("--version"), Map.of(), null, line -> {});
 * }</pre>
 *
 * @param executable the program's path
 * @param timeout how long one run may take before it is killed
 * @param kind which variables of Ferry's environment it is given
 */
public record Program(String executable, Duration timeout, ChildEnvironment.Program kind) {

  /** A program that gets only the base variables (PATH, HOME, locale). */
  public Program(String executable, Duration timeout) {
    this(executable, timeout, ChildEnvironment.Program.MINIMAL);
  }

  /** What a run left behind. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The last lines of stderr (or stdout when stderr is empty), for error messages. */
    public String tail() {
      String text = stderr.isBlank() ? stdout : stderr;
      String[] lines = text.strip().split("\n");
      int from = Math.max(0, lines.length - 15);
      return String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
    }
  }

  /** Finds {@code name} on {@code PATH} (from {@code env}). */
  public static Optional<String> find(String name, Map<String, String> env) {
    for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p.toString());
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the program with {@code args}, {@code env} added to the variables of its kind, in {@code dir} (or the current folder);
   * each stderr line also goes to {@code progress}.
   *
   * @throws ExternalException when it cannot start or runs past the timeout
   */
  public Result run(List<String> args, Map<String, String> env, Path dir, Consumer<String> progress) {
    List<String> command = new java.util.ArrayList<>();
    command.add(executable);
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    ChildEnvironment.apply(pb, ChildEnvironment.of(kind, System.getenv(), env));
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    String name = Path.of(executable).getFileName().toString();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ExternalException("cannot start " + name + ": " + e.getMessage(), e);
    }
    try {
      p.getOutputStream().close(); // no input: a program that waits for it must not hang
    } catch (IOException ignored) {
      // it may already have exited
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream(), null));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream(), progress));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new ExternalException(name + " did not finish within " + timeout.toSeconds() + "s and was stopped");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ExternalException("interrupted while " + name + " ran", e);
    }
  }

  private static String drain(InputStream in, Consumer<String> lines) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (InputStream buffered = new java.io.BufferedInputStream(in)) {
      int b;
      while ((b = buffered.read()) >= 0) {
        all.write(b);
        if (lines != null) {
          if (b == '\n') {
            lines.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else {
            line.write(b);
          }
        }
      }
      if (lines != null && line.size() > 0) {
        lines.accept(line.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toString(StandardCharsets.UTF_8);
  }
}
