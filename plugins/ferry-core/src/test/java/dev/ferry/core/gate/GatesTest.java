package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.GateConfig;
import dev.ferry.core.image.ImageRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Configuration cases: each invalid entry and its exact messages. */
class GatesTest {

  static final SourceLocation AT = SourceLocation.of("ferry.yaml", 12, 9);

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("nagios", Map.of(), List.of(
            "ferry.yaml:12:9: unknown gate kind 'nagios' (known: argocd, rollout, deployment, prometheus, http)")),
        Arguments.of("argocd", Map.of("srver", "https://argocd", "app", "shop"), List.of(
            "ferry.yaml:12:9: gate argocd: unknown setting 'srver' (known: server, app, apps, selector, tokenEnv, appNamespace, "
                + "insecure, sync, refresh, namespace, acceptSuspended, healthOnly, resources, kubeconfig, context, onError)")),
        Arguments.of("argocd", Map.of("server", "https://argocd.example.com", "app", "shop", "namespace", "argocd"), List.of(
            "ferry.yaml:12:9: gate argocd: missing setting 'tokenEnv'",
            "ferry.yaml:12:9: gate argocd: 'namespace' cannot be used with 'server' (REST API)")),
        Arguments.of("argocd", Map.of("app", "shop", "sync", "yes", "refresh", false), List.of(
            "ferry.yaml:12:9: gate argocd: 'sync' must be true or false",
            "ferry.yaml:12:9: gate argocd: 'sync' cannot be used without 'server' (reading the Application resource)")),
        Arguments.of("argocd", Map.of("server", "argocd.example.com", "app", "shop", "tokenEnv", "T"), List.of(
            "ferry.yaml:12:9: gate argocd: 'server' must be an http or https URL, not 'argocd.example.com'")),
        Arguments.of("rollout", Map.of("namespace", "shop"), List.of("ferry.yaml:12:9: gate rollout: missing setting 'name'")),
        Arguments.of("deployment", Map.of("name", "web", "onError", "ignore"), List.of(
            "ferry.yaml:12:9: gate deployment: 'onError' must be one of pass, fail, not 'ignore'")),
        Arguments.of("prometheus", Map.of("url", "http://prom:9090", "query", "up", "below", 1, "above", 0, "for", "5 minutes"), List.of(
            "ferry.yaml:12:9: gate prometheus: 'for' must be a duration like 30s, 5m or 1h30m",
            "ferry.yaml:12:9: gate prometheus: set exactly one of 'below' or 'above'")),
        Arguments.of("prometheus", Map.of("url", "http://prom:9090", "below", "0.01"), List.of(
            "ferry.yaml:12:9: gate prometheus: 'below' must be a number",
            "ferry.yaml:12:9: gate prometheus: missing setting 'query'")),
        Arguments.of("prometheus", Map.of("url", "http://prom:9090", "slo", 99.9, "errorRatio", "rate(errors[5m])",
            "windows", List.of(Map.of("long", "1h", "short", "5m"))), List.of(
            "ferry.yaml:12:9: gate prometheus: 'windows' entries must be {long: 1h, short: 5m, burnRate: 14.4}",
            "ferry.yaml:12:9: gate prometheus: 'slo' must be between 0 and 1 (e.g. 0.999), not 99.9",
            "ferry.yaml:12:9: gate prometheus: 'errorRatio' must contain {window} where the range goes, e.g. rate(x[{window}])")),
        Arguments.of("http", Map.of("url", "http://web/healthz", "equals", "UP", "successes", 0), List.of(
            "ferry.yaml:12:9: gate http: 'equals' needs 'jsonPath'",
            "ferry.yaml:12:9: gate http: 'successes' must be at least 1")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("invalid")
  void reportsEveryProblemOfAnEntry(String kind, Map<String, Object> settings, List<String> errors) {
    assertThat(Gates.validate(new GateConfig(kind, settings, AT))).containsExactlyInAnyOrderElementsOf(errors);
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("argocd", Map.of("server", "https://argocd.example.com", "app", "shop-{env}", "tokenEnv", "T",
            "insecure", true, "refresh", true, "sync", false, "onError", "pass")),
        Arguments.of("argocd", Map.of("kubeconfig", "~/.kube/config", "context", "prod", "namespace", "argocd", "app", "shop")),
        Arguments.of("rollout", Map.of("namespace", "shop", "name", "{service}")),
        Arguments.of("deployment", Map.of("namespace", "shop-{env}", "name", "web", "container", "web")),
        Arguments.of("prometheus", Map.of("url", "http://prom:9090", "query", "up", "above", 0, "for", "5m")),
        Arguments.of("prometheus", Map.of("url", "http://prom:9090", "slo", 0.999, "errorRatio", "x[{window}]",
            "windows", List.of(Map.of("long", "1h", "short", "5m", "burnRate", 14.4)))),
        Arguments.of("http", Map.of("url", "https://web.example.com/healthz", "expectStatus", 200, "bodyContains", "ok",
            "jsonPath", "$.status", "equals", "UP", "successes", 5)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("valid")
  void acceptsTheDocumentedSettings(String kind, Map<String, Object> settings) {
    assertThat(Gates.validate(new GateConfig(kind, settings, AT))).isEmpty();
  }

  @Test
  void fromConfigRefusesWithAllProblems() {
    List<GateConfig> configs = List.of(new GateConfig("rollout", Map.of(), AT),
        new GateConfig("http", Map.of("url", 3), SourceLocation.of("ferry.yaml", 14, 9)));
    assertThatThrownBy(() -> Gates.fromConfig(configs, "dev", Map.of()))
        .isInstanceOf(InputException.class)
        .hasMessage("ferry.yaml:12:9: gate rollout: missing setting 'name'\n"
            + "ferry.yaml:14:9: gate http: 'url' must be a string");
  }

  @Test
  void replacesEnvAndNamesGatesAfterTheirTarget() {
    List<Gate> gates = Gates.fromConfig(List.of(
        new GateConfig("deployment", Map.of("namespace", "shop-{env}", "name", "web"), AT),
        new GateConfig("rollout", Map.of("namespace", "shop-{env}", "name", "{service}", "onError", "pass"), AT)),
        "staging", Map.of("HOME", "/nonexistent"));
    assertThat(gates).extracting(Gate::name).containsExactly("deployment shop-staging/web", "rollout shop-staging/{service}");
    assertThat(gates).extracting(Gate::passOnError).containsExactly(false, true);
  }

  @Test
  void aServiceGateChecksEachPromotedServiceWithItsOwnImage() {
    List<String> asked = new ArrayList<>();
    PerServiceGate gate = new PerServiceGate("fake {service}", service -> new Gate() {
      @Override
      public String name() {
        return "fake " + service;
      }

      @Override
      public GateResult check(GateContext context) {
        asked.add(service + "=" + context.images().get(service));
        return service.equals("api") ? GateResult.running("api starting") : GateResult.passed(service + " ok");
      }
    });
    GateContext context = new GateContext("dev", "c0ffee0", Map.of("web", ImageRef.parse("r.example.com/web:2"),
        "api", ImageRef.parse("r.example.com/api:7")), Instant.EPOCH);

    GateResult first = gate.check(context);
    GateResult second = gate.check(context);

    assertThat(first.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(first.reason()).isEqualTo("api starting");
    assertThat(second.status()).isEqualTo(GateStatus.RUNNING);
    // web passed on the first round and is not asked again
    assertThat(asked).containsExactly("api=r.example.com/api:7", "web=r.example.com/web:2", "api=r.example.com/api:7");
  }

  @Test
  void aServiceGateKeepsTheContextsHistorySoALaterCommitCounts() {
    String later = "9c3e7a11d0f04a6e8b5d2c1f0e9d8c7b6a594837";
    List<Boolean> reached = new ArrayList<>();
    PerServiceGate gate = new PerServiceGate("fake {service}", service -> new Gate() {
      @Override
      public String name() {
        return "fake " + service;
      }

      @Override
      public GateResult check(GateContext context) {
        reached.add(context.reached(later));
        return GateResult.passed(service + " ok");
      }
    });
    GateContext context = new GateContext("dev", "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        Map.of("web", ImageRef.parse("r.example.com/web:2")), Instant.EPOCH, later::equals);

    assertThat(gate.check(context).status()).isEqualTo(GateStatus.PASSED);
    assertThat(reached).containsExactly(true);
  }

  @Test
  void aKubeconfigThatCannotBeReadFailsTheGate() {
    Gate gate = Gates.fromConfig(List.of(new GateConfig("deployment",
        Map.of("kubeconfig", "/nonexistent/kubeconfig", "name", "web"), AT)), "dev", Map.of()).get(0);
    GateResult r = gate.check(new GateContext("dev", "c0ffee0", Map.of(), Instant.EPOCH));
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("cannot read kubeconfig /nonexistent/kubeconfig: set 'kubeconfig' on the gate or KUBECONFIG");
  }
}
