package dev.ferry.bench;

import java.util.List;

/** Every scenario benchmark, in the order the table shows them. Add new scenarios here. */
public final class Catalogue {

  private Catalogue() {
  }

  public static List<Scenario> all() {
    return List.of(
        new EditThroughput(),
        new StartUp(),
        new GitPromotion(),
        new CliPromotion(),
        new ConcurrentPromoters(),
        new CliConcurrency(),
        new HistoryGrowth(),
        new AotCache(),
        new MatrixRender());
  }
}
