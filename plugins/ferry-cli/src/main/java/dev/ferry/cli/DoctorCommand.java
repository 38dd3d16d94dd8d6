package dev.ferry.cli;

import dev.ferry.core.promote.Promoter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ferry doctor}: compares each repository's state index with its history. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Compare the state index of every environment repository with its history and report every"
        + " difference (exit 1 when there is one).")
public final class DoctorCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      List<Map<String, Object>> repos = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      boolean clean = true;
      for (String env : IndexCommand.firstOfEachRepo(promoter)) {
        var repo = promoter.repoOf(env);
        List<String> differences = promoter.stateOf(env).check();
        clean &= differences.isEmpty();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("repo", promoter.config().environment(env).repo());
        r.put("url", repo.url());
        r.put("ref", repo.stateRef());
        r.put("differences", differences);
        repos.add(r);
        text.append(repo.stateRef()).append(" of ").append(repo.url()).append(": ")
            .append(differences.isEmpty() ? "matches the history" : differences.size() + " difference(s)").append('\n');
        differences.forEach(d -> text.append("  - ").append(d).append('\n'));
      }
      if (!clean) {
        text.append("Fix with 'ferry index rebuild -c ").append(config.file).append("'.");
      }
      console.result(Map.of("ok", clean, "repos", repos), text.toString().strip());
      return clean ? 0 : 1;
    }
  }
}
