package dev.ferry.core.git.bench;

import dev.ferry.core.git.ChangeSet;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.FileChange;
import dev.ferry.core.git.PushResult;
import dev.ferry.core.git.RemoteSpec;
import dev.ferry.core.git.Trailer;
import dev.ferry.testing.GitDaemon;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Benchmarks of the git layer against the shell pipelines CI jobs use today, on a real git daemon.
 *
 * <ol>
 *   <li>one promotion into a generated environment repository (10,000 files, 20,000 commits; made
 *       with {@code git fast-import}), cold and warm cache, against {@code git clone --depth 1} +
 *       {@code sed -i} + {@code git commit} + {@code git push};
 *   <li>64 concurrent promoters of distinct services into one branch: promotions per second, and
 *       the same load with the shell pipeline (counting its failed pushes).
 * </ol>
 *
 * Run (see test/bench-git/README.md): {@code test/bench-git/run [--quick]}. Prints one line per
 * figure: {@code scenario variant metric value}.
 */
public final class GitBench {

  private final Path work;
  private final boolean quick;
  private final int files;
  private final int commits;
  private final int promoters;
  private final int repeats;

  private GitBench(Path work, boolean quick) {
    this.work = work;
    this.quick = quick;
    this.files = quick ? 1_000 : 10_000;
    this.commits = quick ? 2_000 : 20_000;
    this.promoters = quick ? 16 : 64;
    this.repeats = quick ? 3 : 5;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path work = Files.createTempDirectory("ferry-bench-git");
    try {
      new GitBench(work, quick).run();
    } finally {
      delete(work);
    }
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "# git bench (%s): %d files, %d commits, %d concurrent promoters%n",
        quick ? "quick" : "full", files, commits, promoters);
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      Path bare = daemon.createBareRepo("env.git");
      long t0 = System.nanoTime();
      generate(bare);
      report("setup", "fast-import", "seconds", secs(t0));
      String url = daemon.url("env.git");
      singlePromotion(url);
      concurrent(daemon, url);
    }
  }

  // ------------------------------------------------------------------ scenario 1

  private void singlePromotion(String url) throws Exception {
    Random rnd = new Random(1);
    Path cache = work.resolve("cache-warm");
    // Ferry, cold cache: a fresh mirror each time.
    List<Double> cold = new ArrayList<>();
    for (int i = 0; i < Math.min(3, repeats); i++) {
      long t = System.nanoTime();
      promoteWithFerry(url, work.resolve("cache-cold-" + i), rnd.nextInt(files), "cold-" + i);
      cold.add(secs(t));
    }
    promoteWithFerry(url, cache, 0, "prime");
    List<Double> warm = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      promoteWithFerry(url, cache, rnd.nextInt(files), "warm-" + i);
      warm.add(secs(t));
    }
    List<Double> shellCold = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      int code = shellPipeline(url, work.resolve("shell-cold-" + i), rnd.nextInt(files), "shell-cold-" + i, true);
      shellCold.add(secs(t));
      if (code != 0) {
        throw new IllegalStateException("shell pipeline failed alone: " + code);
      }
    }
    Path clone = work.resolve("shell-warm");
    shellPipeline(url, clone, 1, "shell-prime", true);
    List<Double> shellWarm = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      shellPipeline(url, clone, rnd.nextInt(files), "shell-warm-" + i, false);
      shellWarm.add(secs(t));
    }
    report("single-promotion", "ferry-cold", "median-seconds", median(cold));
    report("single-promotion", "ferry-warm", "median-seconds", median(warm));
    report("single-promotion", "shell-clone-depth1", "median-seconds", median(shellCold));
    report("single-promotion", "shell-warm-clone-pull", "median-seconds", median(shellWarm));
    report("single-promotion", "cache-size", "megabytes", du(cache) / 1e6);
  }

  private void promoteWithFerry(String url, Path cache, int file, String value) {
    try (EnvRepo repo = EnvRepo.open(new RemoteSpec(url, "main", null), cache, null)) {
      String path = path(file);
      FileChange set = (p, current) -> current.replaceFirst("tag: .*", "tag: " + value);
      PushResult r = repo.commit(new ChangeSet(Map.of(path, set), "Promote svc to " + value, "",
          List.of(new Trailer("Ferry-Service", "svc-" + file)), null), new PersonIdent("Ferry", "ferry@example.com"));
      if (r.noop()) {
        throw new IllegalStateException("unexpected no-op");
      }
    }
  }

  /** The pipeline most CI jobs run today; returns the exit code of the first failing step. */
  private int shellPipeline(String url, Path dir, int file, String value, boolean clone) throws Exception {
    int code;
    if (clone) {
      code = run(work, "git", "clone", "-q", "--depth", "1", "--branch", "main", url, dir.toString());
    } else {
      code = run(dir, "git", "pull", "-q", "--ff-only", "origin", "main");
    }
    if (code != 0) {
      return code;
    }
    code = run(dir, "sed", "-i", "s/^  tag: .*/  tag: " + value + "/", path(file));
    if (code == 0) {
      code = run(dir, "git", "commit", "-q", "-am", "Promote svc-" + file + " to " + value);
    }
    return code == 0 ? run(dir, "git", "push", "-q", "origin", "HEAD:main") : code;
  }

  // ------------------------------------------------------------------ scenario 2

  private void concurrent(GitDaemon daemon, String url) throws Exception {
    // Ferry: one process per promoter, each with its own warm cache (CI agents that promoted
    // before): a copy of one primed mirror, so the figure measures pushing, not first clones.
    Path dir = Files.createDirectories(work.resolve("ferry-conc"));
    Path primed = work.resolve("cache-warm");
    Path start = dir.resolve("start");
    List<Process> procs = new ArrayList<>();
    List<Path> ready = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int i = 0; i < promoters; i++) {
      Path r = dir.resolve("ready-" + i);
      ready.add(r);
      copy(primed, dir.resolve("cache-" + i));
      procs.add(new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m",
          "-cp", System.getProperty("java.class.path"), "dev.ferry.core.git.PromoteOneFile",
          url, dir.resolve("cache-" + i).toString(), path(i), "conc-" + i, "svc-" + i, r.toString(), start.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("p-" + i + ".log").toFile()).start());
    }
    while (!ready.stream().allMatch(Files::exists) && procs.stream().allMatch(Process::isAlive)) {
      Thread.sleep(20);
    }
    long t = System.nanoTime();
    Files.writeString(start, "go");
    int ok = 0;
    int attempts = 0;
    for (int i = 0; i < promoters; i++) {
      procs.get(i).waitFor(600, TimeUnit.SECONDS);
      String out = Files.readString(dir.resolve("p-" + i + ".log")).strip();
      if (procs.get(i).exitValue() == 0 && out.startsWith("OK ")) {
        ok++;
        attempts += Integer.parseInt(out.split(" ")[1]);
      }
    }
    double ferrySecs = secs(t);
    report("concurrent", "ferry", "succeeded", ok);
    report("concurrent", "ferry", "seconds", ferrySecs);
    report("concurrent", "ferry", "promotions-per-second", ok / ferrySecs);
    report("concurrent", "ferry", "mean-attempts", ok == 0 ? 0 : (double) attempts / ok);

    // Shell pipelines: the same load, started at once, no retry (as most pipelines are written).
    Path shell = Files.createDirectories(work.resolve("shell-conc"));
    List<Process> jobs = new ArrayList<>();
    long ts = System.nanoTime();
    for (int i = 0; i < promoters; i++) {
      String script = "set -e; git clone -q --depth 1 --branch main \"$1\" \"$2\"; cd \"$2\"; "
          + "sed -i \"s/^  tag: .*/  tag: $3/\" \"$4\"; git commit -q -am \"Promote $3\"; git push -q origin HEAD:main";
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "shell", url, shell.resolve("c-" + i).toString(),
          "shellconc-" + i, path(promoters + i)).redirectErrorStream(true)
          .redirectOutput(shell.resolve("s-" + i + ".log").toFile());
      gitIdentity(pb);
      jobs.add(pb.start());
    }
    int shellOk = 0;
    for (Process p : jobs) {
      p.waitFor(600, TimeUnit.SECONDS);
      shellOk += p.exitValue() == 0 ? 1 : 0;
    }
    double shellSecs = secs(ts);
    report("concurrent", "shell", "succeeded", shellOk);
    report("concurrent", "shell", "failed-pushes", promoters - shellOk);
    report("concurrent", "shell", "seconds", shellSecs);
    report("concurrent", "shell", "promotions-per-second", shellOk / shellSecs);
  }

  // ------------------------------------------------------------------ setup and helpers

  private static String path(int file) {
    return String.format(Locale.ROOT, "envs/env-%d/svc-%04d/values.yaml", file % 10, file / 10);
  }

  /** {@code files} files in the first commit, then one-file commits up to {@code commits}. */
  private void generate(Path bare) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("git", "fast-import", "--quiet").directory(bare.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("fast-import.log").toFile());
    Process p = pb.start();
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
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("git fast-import failed: " + Files.readString(work.resolve("fast-import.log")));
    }
  }

  private static String values(int f, String tag) {
    return "# service svc-" + f + "\nreplicaCount: 2\nimage:\n  repository: registry.example.com/shop/svc-" + f
        + "\n  tag: " + tag + "\nresources:\n  limits:\n    cpu: 500m\n    memory: 256Mi\n";
  }

  private static void inline(StringBuilder sb, String path, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    sb.append("M 100644 inline ").append(path).append("\ndata ").append(bytes.length).append('\n').append(content).append('\n');
  }

  private int run(Path dir, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("shell.log").toFile()));
    gitIdentity(pb);
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return 124;
    }
    return p.exitValue();
  }

  private static void gitIdentity(ProcessBuilder pb) {
    pb.environment().put("GIT_AUTHOR_NAME", "CI");
    pb.environment().put("GIT_AUTHOR_EMAIL", "ci@example.com");
    pb.environment().put("GIT_COMMITTER_NAME", "CI");
    pb.environment().put("GIT_COMMITTER_EMAIL", "ci@example.com");
  }

  private static void report(String scenario, String variant, String metric, double value) {
    System.out.printf(Locale.ROOT, "%-18s %-24s %-22s %.3f%n", scenario, variant, metric, value);
  }

  private static double secs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static long du(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void copy(Path from, Path to) throws IOException {
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

  private static void delete(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
