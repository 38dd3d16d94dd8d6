package dev.ferry.cli;

import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.promote.Promoter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry history}: promotions and rollbacks, newest first, read from commit trailers. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "List promotions and rollbacks, newest first, read back from the environment repositories.")
public final class HistoryCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
  String env;

  @Option(names = "--service", paramLabel = "SERVICE", description = "Only this service.")
  String service;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many entries (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--all", description = "Read the whole history, not only the newest 5,000 commits (fetches it once into a thin cache).")
  boolean all;

  @Option(names = "--page", defaultValue = "1", paramLabel = "N",
      description = "With --limit, show the N-th page of entries (default: ${DEFAULT-VALUE}).")
  int page;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      if (service != null) {
        promoter.config().service(service);
      }
      List<String> envs = env != null ? List.of(promoter.config().environment(env).name())
          : promoter.config().environmentOrder();
      if (page < 1 || limit < 1) {
        throw new dev.ferry.core.InputException("--page and --limit must be at least 1 (got --page " + page
            + " --limit " + limit + ")");
      }
      int depth = all ? Integer.MAX_VALUE / dev.ferry.core.git.EnvRepo.OLDER_SCAN_FACTOR
          : promoter.context().historyDepth();
      Set<String> seenRepos = new LinkedHashSet<>();
      List<PromotionRecord> records = new ArrayList<>();
      for (String e : envs) {
        if (seenRepos.add(promoter.config().environment(e).repo())) {
          records.addAll(promoter.historyLog(e, depth).promotions());
        }
      }
      List<PromotionRecord> shown = records.stream()
          .filter(r -> envs.contains(r.environment()))
          .filter(r -> service == null || r.images().containsKey(service))
          .sorted(Comparator.comparing(PromotionRecord::time).reversed())
          .skip((long) (page - 1) * limit)
          .limit(limit)
          .toList();
      console.result(java.util.Map.of("promotions", shown), text(shown));
      return 0;
    }
  }

  static String text(List<PromotionRecord> records) {
    if (records.isEmpty()) {
      return "No promotions recorded.";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TIME", "ENV", "KIND", "IMAGES", "COMMIT", "BY", "APPROVED BY"});
    for (PromotionRecord r : records) {
      rows.add(new String[] {r.time().toString(), r.environment(), r.kind(),
          String.join(", ", r.images().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()),
          r.commit().substring(0, 12), r.promotedBy() == null ? "-" : r.promotedBy(),
          r.approvedBy() == null ? "-" : r.approvedBy()});
    }
    return Table.render(rows);
  }
}
