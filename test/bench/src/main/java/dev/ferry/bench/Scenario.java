package dev.ferry.bench;

/**
 * One benchmark scenario: Ferry against a baseline, measured the same way in the same run.
 *
 * <pre>{@code
 * final class MyScenario implements Scenario {
 *   public String name() { return "my scenario"; }
 *   public Result run(Size size, Environment env) { ... return new Result(name(), "ops/s", true, f, b, notes); }
 * }
 * }</pre>
 * Add a scenario by listing it in {@link Catalogue}.
 */
public interface Scenario {

  /** How much work: {@code QUICK} is the CI smoke size (seconds), {@code FULL} the size run by hand. */
  enum Size { QUICK, FULL }

  /** A short name, shown in the table. */
  String name();

  /** Runs the scenario; may return several rows (e.g. with and without an option). */
  java.util.List<Result> run(Size size, Environment env) throws Exception;
}
