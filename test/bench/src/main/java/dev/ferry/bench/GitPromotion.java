package dev.ferry.bench;

import dev.ferry.core.git.ChangeSet;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.FileChange;
import dev.ferry.core.git.PushResult;
import dev.ferry.core.git.RemoteSpec;
import dev.ferry.core.git.Trailer;
import dev.ferry.testing.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * One promotion (one image tag in one values file, committed and pushed) into a generated
 * environment repository on a real {@code git daemon} (1,000 files and 2,000 commits quick, 10,000
 * and 20,000 full), with Ferry's {@link EnvRepo} against the shell pipeline most CI jobs run today:
 * {@code git clone --depth 1} + {@code sed -i} + {@code git commit} + {@code git push}. Cold: a fresh
 * cache (Ferry) or a fresh shallow clone (shell) each time; warm: Ferry's kept mirror against a kept
 * clone brought up to date with {@code git pull --ff-only}. Median wall time in ms.
 */
final class GitPromotion implements Scenario {

  @Override
  public String name() {
    return "git promotion";
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    GeneratedEnvRepo generated = GeneratedEnvRepo.of(size);
    int repeats = size == Size.QUICK ? 3 : 5;
    Path work = Files.createTempDirectory("ferry-bench-git-promotion");
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      generated.copyTo(daemon.base().resolve("env.git"));
      String url = daemon.url("env.git");
      Path log = work.resolve("shell.log");
      Random rnd = new Random(1);
      int files = generated.files();

      // interleaved, so that load from other work on the machine hits Ferry and the shell alike
      List<Double> ferryCold = new ArrayList<>();
      List<Double> shellCold = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        long t = System.nanoTime();
        promote(url, work.resolve("cache-cold-" + i), rnd.nextInt(files), "cold-" + i);
        ferryCold.add(millis(t));
        t = System.nanoTime();
        shellPipeline(url, work, log, work.resolve("shell-cold-" + i), rnd.nextInt(files), "shell-cold-" + i, true);
        shellCold.add(millis(t));
      }

      Path cache = work.resolve("cache-warm");
      Path clone = work.resolve("shell-warm");
      promote(url, cache, 0, "prime");
      shellPipeline(url, work, log, clone, 1, "shell-prime", true);
      List<Double> ferryWarm = new ArrayList<>();
      List<Double> shellWarm = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        long t = System.nanoTime();
        promote(url, cache, rnd.nextInt(files), "warm-" + i);
        ferryWarm.add(millis(t));
        t = System.nanoTime();
        shellPipeline(url, work, log, clone, rnd.nextInt(files), "shell-warm-" + i, false);
        shellWarm.add(millis(t));
      }

      Map<String, Object> common = new LinkedHashMap<>();
      common.put("repository", generated.files() + " files, " + generated.commits() + " commits (git fast-import in "
          + Math.round(generated.seconds()) + " s)");
      common.put("runs", repeats);
      common.put("ferryCacheMegabytes", Math.round(GeneratedEnvRepo.bytes(cache) / 1e5) / 10.0);

      Map<String, Object> cold = new LinkedHashMap<>();
      cold.put("summary", "baseline: git clone --depth 1 + sed -i + git commit + git push; Ferry: fresh cache");
      cold.putAll(common);
      cold.put("ferryMillis", ferryCold);
      cold.put("baselineMillis", shellCold);
      Map<String, Object> warm = new LinkedHashMap<>();
      warm.put("summary", "baseline: kept clone, git pull --ff-only + sed -i + git commit + git push; Ferry: kept mirror");
      warm.putAll(common);
      warm.put("ferryMillis", ferryWarm);
      warm.put("baselineMillis", shellWarm);
      return List.of(
          new Result("git promotion, cold cache", "ms", false, median(ferryCold), median(shellCold), cold),
          new Result("git promotion, warm cache", "ms", false, median(ferryWarm), median(shellWarm), warm));
    } finally {
      GeneratedEnvRepo.deleteTree(work);
    }
  }

  /** Sets {@code image.tag} of service {@code file} to {@code value} with Ferry, cache under {@code cache}. */
  static PushResult promote(String url, Path cache, int file, String value) {
    try (EnvRepo repo = EnvRepo.open(new RemoteSpec(url, "main", null), cache, null)) {
      FileChange set = (p, current) -> current.replaceFirst("tag: .*", "tag: " + value);
      PushResult r = repo.commit(new ChangeSet(Map.of(GeneratedEnvRepo.path(file), set), "Promote svc-" + file
          + " to " + value, "", List.of(new Trailer("Ferry-Service", "svc-" + file)), null),
          new PersonIdent("Ferry", "ferry@example.com"));
      if (r.noop()) {
        throw new IllegalStateException("promotion of svc-" + file + " to " + value + " changed nothing");
      }
      return r;
    }
  }

  /** The pipeline most CI jobs run today; fails when a step fails (it runs alone, so none should). */
  private static void shellPipeline(String url, Path work, Path log, Path dir, int file, String value, boolean clone)
      throws Exception {
    int code = clone
        ? GeneratedEnvRepo.run(work, log, "git", "clone", "-q", "--depth", "1", "--branch", "main", url, dir.toString())
        : GeneratedEnvRepo.run(dir, log, "git", "pull", "-q", "--ff-only", "origin", "main");
    if (code == 0) {
      code = GeneratedEnvRepo.run(dir, log, "sed", "-i", "s/^  tag: .*/  tag: " + value + "/",
          GeneratedEnvRepo.path(file));
    }
    if (code == 0) {
      code = GeneratedEnvRepo.run(dir, log, "git", "commit", "-q", "-am", "Promote svc-" + file + " to " + value);
    }
    if (code == 0) {
      code = GeneratedEnvRepo.run(dir, log, "git", "push", "-q", "origin", "HEAD:main");
    }
    if (code != 0) {
      throw new IllegalStateException("shell pipeline failed alone (exit " + code + "): " + Files.readString(log));
    }
  }

  private static double millis(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e5) / 10.0;
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
