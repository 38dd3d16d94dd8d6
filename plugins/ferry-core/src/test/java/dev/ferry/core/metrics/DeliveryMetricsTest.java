package dev.ferry.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.config.MetricsConfig;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.metrics.DeliveryMetrics.EnvironmentRecords;
import dev.ferry.core.metrics.MetricsReport.Keys;
import dev.ferry.core.metrics.MetricsReport.Spread;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The DORA keys from records with known times: each case is a small history whose keys can be
 * worked out by hand (the expected numbers in the assertions are those sums).
 */
class DeliveryMetricsTest {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant UNTIL = T0.plus(Duration.ofDays(10));
  static final String WEB = "registry.example.com/shop/web";
  static final String API = "registry.example.com/shop/api";

  final List<PromotionRecord> promotions = new ArrayList<>();
  final List<VerificationRecord> verifications = new ArrayList<>();

  static Instant at(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  void promote(long minute, Map<String, String> images, Long sourceMinutesBefore) {
    Instant t = at(minute);
    promotions.add(new PromotionRecord("p" + minute, PromotionRecord.PROMOTE, "dev", images, "c" + minute, null, t,
        "ci", null, null, "Promote", sourceMinutesBefore == null ? null : "abc1234",
        sourceMinutesBefore == null ? null : t.minus(Duration.ofMinutes(sourceMinutesBefore))));
  }

  void web(long minute, String tag, Long sourceMinutesBefore) {
    promote(minute, Map.of("web", WEB + ":" + tag), sourceMinutesBefore);
  }

  void rollback(long minute, String service, String restored) {
    promotions.add(new PromotionRecord("r" + minute, PromotionRecord.ROLLBACK, "dev", Map.of(service, restored),
        "c" + minute, null, at(minute), "ferry", null, null, "Roll back", null, null));
  }

  void verify(long minute, boolean passed, Map<String, String> images) {
    verifications.add(new VerificationRecord("dev", images, passed, at(minute), "c", List.of()));
  }

  Keys dev() {
    return report(MetricsConfig.Targets.NONE).environments().get("dev");
  }

  MetricsReport report(MetricsConfig.Targets targets) {
    List<PromotionRecord> newestFirst = new ArrayList<>(promotions); // as History lists them
    java.util.Collections.reverse(newestFirst);
    return DeliveryMetrics.compute(List.of(new EnvironmentRecords("dev", List.of("web", "api"), newestFirst, verifications)),
        T0, UNTIL, targets);
  }

  @Test
  void promotionsAndARollbackInOneSecondKeepTheOrderHistoryGivesThem() {
    // commit times have whole seconds: a fast pipeline's promotions and rollback can share one
    web(10, "1.0", null);
    web(10, "1.1", null);
    rollback(10, "web", WEB + ":1.0");

    Keys dev = dev();

    assertThat(dev.failedDeployments()).isEqualTo(1);
    assertThat(dev.changeFailureRate()).isEqualTo(0.5);
  }

  @Test
  void fourDeploymentsOneFailedAndRolledBackIsAQuarter() {
    web(0, "1.0", 60L);
    verify(5, true, Map.of("web", WEB + ":1.0"));
    web(100, "1.1", 120L);
    verify(105, true, Map.of("web", WEB + ":1.1"));
    web(200, "1.2", 30L);
    verify(210, false, Map.of("web", WEB + ":1.2"));
    rollback(217, "web", WEB + ":1.1");
    web(300, "1.3", 90L);
    verify(305, true, Map.of("web", WEB + ":1.3"));

    Keys dev = dev();
    assertThat(dev.deployments()).isEqualTo(4);
    assertThat(dev.failedDeployments()).isEqualTo(1);
    assertThat(dev.changeFailureRate()).isEqualTo(0.25);
    // from the failed verification (minute 210) to the rollback landing (minute 217)
    assertThat(dev.timeToRestoreSeconds()).isEqualTo(new Spread(420L, 420L, 1));
    assertThat(dev.unrestored()).isZero();
    // lead times 30, 60, 90, 120 minutes: nearest rank gives the 2nd for the median, the 4th for p90
    assertThat(dev.leadTimeSeconds()).isEqualTo(new Spread(3600L, 7200L, 4));
    assertThat(dev.deploymentsPerDay()).isEqualTo(0.4);
    assertThat(dev.deploymentsPerWeek()).isEqualTo(2.8);
    assertThat(dev.services().get("web").deployments()).isEqualTo(4);
    assertThat(dev.services().get("api").deployments()).isZero();
    assertThat(dev.services().get("web").services()).isNull();
  }

  @Test
  void noDeploymentsHasNoRatesToReport() {
    Keys dev = dev();
    assertThat(dev.deployments()).isZero();
    assertThat(dev.deploymentsPerDay()).isZero();
    assertThat(dev.changeFailureRate()).isNull();
    assertThat(dev.leadTimeSeconds()).isEqualTo(Spread.NONE);
    assertThat(dev.timeToRestoreSeconds()).isEqualTo(Spread.NONE);
  }

  @Test
  void aRollbackByHandWithoutAFailedVerificationFailsTheDeploymentFromItsLanding() {
    web(0, "1.0", null);
    web(60, "1.1", null);
    rollback(75, "web", WEB + ":1.0");
    Keys dev = dev();
    assertThat(dev.deployments()).isEqualTo(2);
    assertThat(dev.failedDeployments()).isEqualTo(1);
    assertThat(dev.changeFailureRate()).isEqualTo(0.5);
    assertThat(dev.timeToRestoreSeconds()).isEqualTo(new Spread(900L, 900L, 1));
    assertThat(dev.leadTimeSeconds()).isEqualTo(Spread.NONE);
  }

  @Test
  void aFailureNeverRestoredCountsAsFailedAndUnrestoredWithoutARestoreTime() {
    web(0, "1.0", null);
    verify(10, false, Map.of("web", WEB + ":1.0"));
    Keys dev = dev();
    assertThat(dev.failedDeployments()).isEqualTo(1);
    assertThat(dev.unrestored()).isEqualTo(1);
    assertThat(dev.timeToRestoreSeconds()).isEqualTo(Spread.NONE);
  }

  @Test
  void aLaterPassingVerificationRestoresAFailureWithoutARollback() {
    web(0, "1.0", null);
    verify(10, false, Map.of("web", WEB + ":1.0"));
    // the outage cleared: the same version passes again
    verify(25, true, Map.of("web", WEB + ":1.0"));
    assertThat(dev().timeToRestoreSeconds()).isEqualTo(new Spread(900L, 900L, 1));
  }

  @Test
  void aFixRolledForwardRestoresWhenItsVerificationPasses() {
    web(0, "1.0", null);
    verify(10, false, Map.of("web", WEB + ":1.0"));
    web(40, "1.1", null);
    verify(50, true, Map.of("web", WEB + ":1.1"));
    Keys dev = dev();
    assertThat(dev.deployments()).isEqualTo(2);
    assertThat(dev.failedDeployments()).isEqualTo(1);
    assertThat(dev.timeToRestoreSeconds()).isEqualTo(new Spread(2400L, 2400L, 1));
  }

  @Test
  void aFailedVerificationOfAnotherVersionDoesNotFailThisDeployment() {
    web(0, "1.0", null);
    verify(10, true, Map.of("web", WEB + ":1.0"));
    verify(20, false, Map.of("web", WEB + ":0.9"));
    assertThat(dev().failedDeployments()).isZero();
  }

  @Test
  void aReleaseIsNotADeploymentAndChangesNoKey() {
    web(0, "1.0", null);
    web(60, "1.1", null);
    verify(65, false, Map.of("web", WEB + ":1.1"));
    rollback(70, "web", WEB + ":1.0");
    // ferry release writes a note, not a commit: nothing in the promotions, so nothing to count
    Keys before = dev();
    assertThat(before.deployments()).isEqualTo(2);
    assertThat(before.changeFailureRate()).isEqualTo(0.5);
    assertThat(before.timeToRestoreSeconds().median()).isEqualTo(300L);
  }

  @Test
  void aPromotionOfTwoServicesCountsOnceForTheEnvironmentAndOnceForEach() {
    promote(0, Map.of("web", WEB + ":1.0", "api", API + ":2.0"), null);
    verify(5, false, Map.of("api", API + ":2.0"));
    rollback(9, "api", API + ":1.9");
    Keys dev = dev();
    assertThat(dev.deployments()).isEqualTo(1);
    assertThat(dev.changeFailureRate()).isEqualTo(1.0);
    assertThat(dev.services().get("web").changeFailureRate()).isEqualTo(0.0);
    assertThat(dev.services().get("api").changeFailureRate()).isEqualTo(1.0);
    assertThat(dev.services().get("api").timeToRestoreSeconds().median()).isEqualTo(240L);
  }

  @Test
  void onlyDeploymentsInsideTheWindowCount() {
    promotions.add(new PromotionRecord("old", PromotionRecord.PROMOTE, "dev", Map.of("web", WEB + ":0.1"), "c", null,
        T0.minusSeconds(1), "ci", null, null, "Promote", null, null));
    web(0, "1.0", null);
    promotions.add(new PromotionRecord("late", PromotionRecord.PROMOTE, "dev", Map.of("web", WEB + ":9"), "c", null,
        UNTIL.plusSeconds(1), "ci", null, null, "Promote", null, null));
    assertThat(dev().deployments()).isEqualTo(1);
  }

  @Test
  void targetsAreMarkedMetOrMissed() {
    web(0, "1.0", 10L);
    verify(10, false, Map.of("web", WEB + ":1.0"));
    rollback(30, "web", WEB + ":0.9");
    web(60, "1.1", 10L);
    MetricsConfig.Targets targets = new MetricsConfig.Targets(Optional.of(Duration.ofMinutes(15)),
        Optional.of(Duration.ofDays(1)), Optional.of(0.005), Optional.of(1.0),
        Map.of("timeToRestore", "15m", "leadTime", "1d", "changeFailureRate", "0.5%", "deploymentsPerDay", "1"));
    Keys dev = report(targets).environments().get("dev");
    assertThat(dev.targets().get("timeToRestore").met()).isFalse(); // 20 minutes
    assertThat(dev.targets().get("timeToRestore").value()).isEqualTo(1200.0);
    assertThat(dev.targets().get("leadTime").met()).isTrue();
    assertThat(dev.targets().get("changeFailureRate").met()).isFalse(); // 50%
    assertThat(dev.targets().get("changeFailureRate").target()).isEqualTo("0.5%");
    assertThat(dev.targets().get("deploymentsPerDay").met()).isFalse(); // 2 in 10 days
  }

  @Test
  void percentilesAreNearestRank() {
    assertThat(DeliveryMetrics.spread(List.of(5L))).isEqualTo(new Spread(5L, 5L, 1));
    assertThat(DeliveryMetrics.spread(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L))).isEqualTo(new Spread(5L, 9L, 10));
    assertThat(DeliveryMetrics.spread(List.of(30L, 10L, 20L))).isEqualTo(new Spread(20L, 30L, 3));
  }
}
