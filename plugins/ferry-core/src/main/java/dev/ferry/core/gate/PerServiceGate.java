package dev.ferry.core.gate;

import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A gate whose settings name {@code {service}}: one gate per promoted service, each checked against
 * that service's image only. The worst answer wins: FAILED, then ERRORED, then RUNNING.
 */
final class PerServiceGate implements Gate {

  private final String name;
  private final Function<String, Gate> build;
  private final Map<String, Gate> gates = new TreeMap<>();
  private final Map<String, GateResult> passed = new LinkedHashMap<>();

  PerServiceGate(String name, Function<String, Gate> build) {
    this.name = name;
    this.build = build;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public GateResult check(GateContext context) {
    if (context.images().isEmpty()) {
      return GateResult.failed(name + ": the gate uses {service} but no service was promoted");
    }
    List<GateResult> results = new ArrayList<>();
    Map<String, Object> observed = new LinkedHashMap<>();
    for (Map.Entry<String, ImageRef> e : new TreeMap<>(context.images()).entrySet()) {
      String service = e.getKey();
      GateResult result = passed.get(service);
      if (result == null) {
        Gate gate = gates.computeIfAbsent(service, build);
        // the service's own image, with the context's history: a later commit that contains the
        // promotion counts for each service as for the whole environment
        result = gate.check(context.forService(service));
        if (result.status() == GateStatus.PASSED) {
          passed.put(service, result); // a service that passed is not asked again
        }
      }
      results.add(result);
      observed.put(service, result.observed());
    }
    return worst(results, observed);
  }

  /**
   * One answer for several: the worst wins (FAILED, then ERRORED, then RUNNING), else all passed,
   * with {@code observed} holding each one's evidence.
   */
  static GateResult worst(List<GateResult> results, Map<String, Object> observed) {
    for (GateStatus worst : List.of(GateStatus.FAILED, GateStatus.ERRORED, GateStatus.RUNNING)) {
      for (GateResult r : results) {
        if (r.status() == worst) {
          return new GateResult(worst, r.reason(), observed);
        }
      }
    }
    return GateResult.passed(String.join("; ", results.stream().map(GateResult::reason).toList()), observed);
  }

  @Override
  public void close() {
    gates.values().forEach(Gate::close);
  }
}
