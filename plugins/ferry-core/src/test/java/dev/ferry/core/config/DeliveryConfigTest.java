package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code metrics:} and {@code notifications:} in ferry.yaml: defaults, values, and each mistake located. */
class DeliveryConfigTest {

  static String with(String sections) {
    return ConfigLoaderTest.replace("environments:", sections + "environments:");
  }

  static List<String> problems(String text) {
    return ConfigLoader.problems("ferry.yaml", text).stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void withoutTheSectionsMetricsUseThirtyDaysAndNobodyIsTold() {
    FerryConfig config = ConfigLoaderTest.parse(ConfigLoaderTest.VALID);
    assertThat(config.metrics()).isEqualTo(MetricsConfig.DEFAULT);
    assertThat(config.metrics().since()).isEqualTo(Duration.ofDays(30));
    assertThat(config.notifications()).isEmpty();
  }

  @Test
  void readsTargetsAndReceiversWithTheirDefaults() {
    FerryConfig config = ConfigLoaderTest.parse(with("""
        metrics:
          since: 14d
          targets: {timeToRestore: 15m, changeFailureRate: 0.5%, leadTime: 1d, deploymentsPerDay: 2}
        notifications:
          - slack: {webhookEnv: SLACK_WEBHOOK_URL}
            on: [rolled-back, verification-failed]
            environments: [staging]
          - webhook: {urlEnv: HOOK_URL, secretEnv: HOOK_SECRET}
          - grafana: {url: "https://grafana.example.com", tokenEnv: GRAFANA_TOKEN, dashboardUid: deploys}
        """));
    assertThat(config.metrics().since()).isEqualTo(Duration.ofDays(14));
    MetricsConfig.Targets t = config.metrics().targets();
    assertThat(t.timeToRestore()).contains(Duration.ofMinutes(15));
    assertThat(t.changeFailureRate()).contains(0.005);
    assertThat(t.leadTime()).contains(Duration.ofDays(1));
    assertThat(t.deploymentsPerDay()).contains(2.0);
    assertThat(t.written()).containsEntry("changeFailureRate", "0.5%");

    assertThat(config.notifications()).hasSize(3);
    NotificationConfig slack = config.notifications().get(0);
    assertThat(slack.kind()).isEqualTo("slack");
    assertThat(slack.urlEnv()).isEqualTo("SLACK_WEBHOOK_URL");
    assertThat(slack.on()).containsExactly("rolled-back", "verification-failed");
    assertThat(slack.wants("rolled-back", "staging")).isTrue();
    assertThat(slack.wants("rolled-back", "dev")).isFalse();
    assertThat(slack.location().line()).isEqualTo(12);
    NotificationConfig hook = config.notifications().get(1);
    assertThat(hook.secretEnv()).isEqualTo("HOOK_SECRET");
    assertThat(hook.on()).isEqualTo(NotificationConfig.defaultEvents("webhook")).doesNotContain("verified", "blocked");
    NotificationConfig grafana = config.notifications().get(2);
    assertThat(grafana.url()).isEqualTo("https://grafana.example.com");
    assertThat(grafana.on()).isEqualTo(Set.of("promoted", "rolled-back", "released"));
    assertThat(grafana.dashboardUid()).isEqualTo("deploys");
  }

  @Test
  void everyMistakeIsReportedWithItsLine() {
    assertThat(problems(with("""
        metrics:
          since: a month
          targets: {changeFailureRate: low, mttr: 15m}
        notifications:
          - slack: {webhookEnv: "https://hooks.slack.com/services/T/B/secret"}
          - teams: {}
          - {slack: {webhookEnv: A}, webhook: {urlEnv: B}}
          - grafana: {url: "https://user:pw@grafana", tokenEnv: T}
          - {webhook: {urlEnv: H}, on: [deployed], environments: [qa], channel: x}
          - email: {to: ops}
        """))).containsExactly(
        "ferry.yaml:9:10: 'since' in metrics must be a duration like 30s, 10m, 1h or 1h30m, not 'a month'",
        "ferry.yaml:10:32: 'changeFailureRate' in metrics.targets must be a number or a percentage like 0.5%, not 'low'",
        "ferry.yaml:10:37: unknown key 'mttr' in metrics.targets (known: timeToRestore, leadTime, changeFailureRate,"
            + " deploymentsPerDay)",
        "ferry.yaml:12:25: 'webhookEnv' in notification slack must be the name of an environment variable (letters,"
            + " digits and '_'), not the secret itself",
        "ferry.yaml:13:12: missing key 'webhookEnv' in notification teams",
        "ferry.yaml:14:5: a notification names exactly one of slack, teams, webhook, grafana, not slack and webhook",
        "ferry.yaml:15:20: 'url' in notification grafana must be the http(s) address of Grafana, without credentials",
        "ferry.yaml:16:33: unknown 'deployed' in 'on' in notification webhook (known: promoted, verified,"
            + " verification-failed, rolled-back, blocked, released, pull-request-opened)",
        "ferry.yaml:16:59: unknown 'qa' in 'environments' in notification webhook (known: dev, staging)",
        "ferry.yaml:16:64: unknown key 'channel' in a notification (known: slack, teams, webhook, grafana, on, environments)",
        "ferry.yaml:17:5: unknown key 'email' in a notification (known: slack, teams, webhook, grafana, on, environments)",
        "ferry.yaml:17:5: a notification names exactly one of slack, teams, webhook, grafana");
  }

  @Test
  void theSecretPastedAsAVariableNameIsNeverEchoed() {
    assertThat(String.join("\n", problems(with("""
        notifications:
          - slack: {webhookEnv: "https://hooks.slack.com/services/T/B/secret"}
        """)))).doesNotContain("services/T/B").doesNotContain("hooks.slack.com");
  }

  @Test
  void ratiosArePercentagesOrFractions() {
    assertThat(MetricsConfig.ratio("0.5%")).contains(0.005);
    assertThat(MetricsConfig.ratio("0.25")).contains(0.25);
    assertThat(MetricsConfig.ratio("15 %")).contains(0.15);
    assertThat(MetricsConfig.ratio("-1")).isEmpty();
    assertThat(MetricsConfig.ratio("often")).isEqualTo(Optional.empty());
  }
}
