package dev.ferry.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A generated environment repository for the git scenarios: {@code files} Helm values files
 * ({@code envs/env-N/svc-NNNN/values.yaml}) in the first commit, then one-file image bumps up to
 * {@code commits} commits, written with {@code git fast-import}. Generated once per size and JVM
 * (the full size takes minutes) and copied into each scenario's git daemon.
 *
 * <pre>{@code
 * GeneratedEnvRepo repo = GeneratedEnvRepo.of(Size.QUICK);
 * repo.copyTo(daemon.base().resolve("env.git"));
 * String file = GeneratedEnvRepo.path(42); // envs/env-2/svc-0004/values.yaml
 * }</pre>
 *
 * @param files how many values files
 * @param commits how many commits on {@code main}
 * @param bare the generated bare repository (deleted when the JVM exits)
 * @param seconds how long {@code git fast-import} took
 */
record GeneratedEnvRepo(int files, int commits, Path bare, double seconds) {

  private static final Map<String, GeneratedEnvRepo> GENERATED = new java.util.HashMap<>();

  /** The repository of this size: 1,000 files and 2,000 commits (quick), 10,000 and 20,000 (full). */
  static GeneratedEnvRepo of(Scenario.Size size) throws IOException, InterruptedException {
    boolean quick = size == Scenario.Size.QUICK;
    return of(quick ? 1_000 : 10_000, quick ? 2_000 : 20_000);
  }

  /** A repository of {@code files} values files and {@code commits} commits, generated once per JVM. */
  static synchronized GeneratedEnvRepo of(int files, int commits) throws IOException, InterruptedException {
    String key = files + "x" + commits;
    GeneratedEnvRepo repo = GENERATED.get(key);
    if (repo == null) {
      repo = generate(files, commits);
      GENERATED.put(key, repo);
    }
    return repo;
  }

  /** The values file of service {@code file}. */
  static String path(int file) {
    return String.format(Locale.ROOT, "envs/env-%d/svc-%04d/values.yaml", file % 10, file / 10);
  }

  /** Copies the bare repository to {@code target} (e.g. under a git daemon's base folder). */
  void copyTo(Path target) throws IOException {
    copyTree(bare, target);
  }

  private static GeneratedEnvRepo generate(int files, int commits) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("ferry-bench-envrepo");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
    Path bare = dir.resolve("env.git");
    Path log = dir.resolve("fast-import.log");
    long start = System.nanoTime();
    run(dir, log, "git", "init", "--bare", "--quiet", "-b", "main", bare.toString());
    Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(bare.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Random rnd = new Random(7);
    try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
      long time = 1_700_000_000L;
      for (int c = 0; c < commits; c++) {
        StringBuilder sb = new StringBuilder();
        String msg = c == 0 ? "initial environments" : "bump " + c;
        sb.append("commit refs/heads/main\ncommitter Platform <platform@example.com> ").append(time + c * 60L)
            .append(" +0000\ndata ").append(msg.length()).append('\n').append(msg).append('\n');
        if (c == 0) {
          for (int f = 0; f < files; f++) {
            inline(sb, path(f), values(f, "1.0.0"));
          }
        } else {
          int f = rnd.nextInt(files);
          inline(sb, path(f), values(f, "1.0." + c));
        }
        sb.append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!p.waitFor(900, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("git fast-import failed in " + bare + ": " + Files.readString(log));
    }
    return new GeneratedEnvRepo(files, commits, bare, (System.nanoTime() - start) / 1e9);
  }

  private static String values(int f, String tag) {
    return "# service svc-" + f + "\nreplicaCount: 2\nimage:\n  repository: registry.example.com/shop/svc-" + f
        + "\n  tag: " + tag + "\nresources:\n  limits:\n    cpu: 500m\n    memory: 256Mi\n";
  }

  private static void inline(StringBuilder sb, String path, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    sb.append("M 100644 inline ").append(path).append("\ndata ").append(bytes.length).append('\n')
        .append(content).append('\n');
  }

  /** Runs a command in {@code dir} with a CI identity, output appended to {@code log}; returns its exit code. */
  static int run(Path dir, Path log, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    ciIdentity(pb);
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return 124;
    }
    return p.exitValue();
  }

  /** The author and committer a CI job's git would use, so the shell pipelines can commit. */
  static void ciIdentity(ProcessBuilder pb) {
    pb.environment().put("GIT_AUTHOR_NAME", "CI");
    pb.environment().put("GIT_AUTHOR_EMAIL", "ci@example.com");
    pb.environment().put("GIT_COMMITTER_NAME", "CI");
    pb.environment().put("GIT_COMMITTER_EMAIL", "ci@example.com");
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static long bytes(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    // rm takes seconds where a sorted walk took minutes (64 clones of 10,000 files each)
    try {
      Process rm = new ProcessBuilder("rm", "-rf", "--", dir.toString()).inheritIO().start();
      if (rm.waitFor() == 0 && !Files.exists(dir)) {
        return;
      }
    } catch (IOException e) {
      // no rm here: walk instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
