package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.image.ImageRef;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Rollout and Deployment gates judge the promoted version, as Argo Rollouts and Kubernetes
 * judge it: against fabric8's Kubernetes mock server in CRUD mode (Argo Rollouts and a Kubernetes
 * API cannot run here), with objects shaped like the controllers write them.
 */
@EnableKubernetesMockClient(crud = true)
class PromotedVersionFirstAgainstMockServerTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  static final String FIX = "registry.example.com/shop/web:2.0.1";
  static final String STUCK = "registry.example.com/shop/web:2.0.0";
  static final GateContext CONTEXT = new GateContext("dev", "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
      Map.of("web", ImageRef.parse(FIX)), Instant.parse("2026-11-29T12:00:00Z"));

  @BeforeEach
  void empty() {
    client.apps().deployments().inNamespace("shop").delete();
    client.genericKubernetesResources(RolloutGate.ROLLOUTS).inNamespace("shop").delete();
    client.genericKubernetesResources(RolloutGate.ANALYSIS_RUNS).inNamespace("shop").delete();
  }

  GateResult rollout(RolloutGate.Options options) {
    return new RolloutGate(Cluster.of(client), "shop", "web", options, new NotFound(Duration.ZERO, Clock.systemUTC())).check(CONTEXT);
  }

  GateResult rollout() {
    return rollout(RolloutGate.Options.DEFAULT);
  }

  /** A canary Rollout at revision 5 whose status the test writes. */
  static String canary(String image, String status) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: web
          namespace: shop
          annotations: {rollout.argoproj.io/revision: "5"}
        spec:
          replicas: 4
          template:
            spec:
              containers:
              - {name: web, image: %s}
          strategy:
            canary:
              steps:
              - setWeight: 25
              - pause: {}
              - setWeight: 100
        status:
        %s
        """.formatted(image, status.indent(2));
  }

  static String run(String name, String hash, String revision, String phase) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisRun
        metadata:
          name: %s
          namespace: shop
          labels: {rollouts-pod-template-hash: %s, rollout-type: Background}
          annotations: {rollout.argoproj.io/revision: "%s"}
          ownerReferences:
          - {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web, uid: 7a1e0c4e-0000-4000-8000-000000000001, controller: true}
        spec:
          metrics:
          - name: errors
            provider: {prometheus: {address: "http://prometheus:9090", query: "sum(rate(errors[1m]))"}}
        status: {phase: %s}
        """.formatted(name, hash, revision, phase);
  }

  static final String HEALTHY = """
      phase: Healthy
      observedGeneration: "1"
      stableRS: 7f9c5d6b8
      currentPodHash: 7f9c5d6b8
      replicas: 4
      updatedReplicas: 4
      availableReplicas: 4
      """;

  @Test
  void anAbortOfTheOldImageWhileTheFixIsNotAppliedIsRunning() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(STUCK, """
        abort: true
        phase: Degraded
        message: "RolloutAborted: Rollout aborted update to revision 5"
        observedGeneration: "1"
        stableRS: 5d8b9c7f6
        currentPodHash: 7f9c5d6b8
        """));
    GateResult waiting = rollout();
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, """
        abort: true
        phase: Degraded
        message: "RolloutAborted: Rollout aborted update to revision 6"
        observedGeneration: "2"
        stableRS: 5d8b9c7f6
        currentPodHash: 6c4d8e9a1
        """));
    GateResult failed = rollout();

    assertThat(waiting.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(waiting.reason()).isEqualTo("Rollout shop/web container web runs " + STUCK + ", waiting for " + FIX);
    assertThat(failed.status()).isEqualTo(GateStatus.FAILED);
  }

  @Test
  void aFailedRunOfAnEarlierAttemptWithTheSamePodTemplateDoesNotFailTheCurrentRevision() throws Exception {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, HEALTHY));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, run("web-7f9c5d6b8-3", "7f9c5d6b8", "3", "Failed"));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, run("web-7f9c5d6b8-3.1", "7f9c5d6b8", "5", "Successful"));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, run("web-6c4d8e9a1-4", "6c4d8e9a1", "4", "Failed"));

    GateResult r = rollout();

    assertThat(r.status()).isEqualTo(GateStatus.PASSED);
    assertThat(r.observed()).containsEntry("analysisRuns", "web-7f9c5d6b8-3.1=Successful");
    // listed with a label selector on the current pod template, not every run of the namespace
    assertThat(server.getLastRequest().getPath()).contains("labelSelector=rollouts-pod-template-hash%3D7f9c5d6b8");
  }

  @Test
  void aRunTheStatusNamesCountsWhateverItsRevision() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, HEALTHY.replace("phase: Healthy", """
        phase: Progressing
        canary:
          currentBackgroundAnalysisRunStatus: {name: web-7f9c5d6b8-2, status: Failed}""")));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, run("web-7f9c5d6b8-2", "7f9c5d6b8", "2", "Failed"));

    GateResult r = rollout();

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("AnalysisRun web-7f9c5d6b8-2 Failed");
  }

  @Test
  void inconclusiveEndsAsNotVerifiedUnlessTheTeamWaitsForAPerson() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, """
        phase: Paused
        message: CanaryPauseStep
        observedGeneration: "1"
        stableRS: 5d8b9c7f6
        currentPodHash: 7f9c5d6b8
        currentStepIndex: 1
        controllerPause: true
        pauseConditions: [{reason: CanaryPauseStep, startTime: "2026-11-29T12:01:00Z"}]
        """));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, run("web-7f9c5d6b8-5", "7f9c5d6b8", "5", "Inconclusive"));

    GateResult byDefault = rollout();
    GateResult waiting = rollout(new RolloutGate.Options(true, false));

    assertThat(byDefault.status()).isEqualTo(GateStatus.FAILED);
    assertThat(byDefault.reason()).startsWith("AnalysisRun web-7f9c5d6b8-5 is Inconclusive: not verified");
    assertThat(waiting.status()).isEqualTo(GateStatus.RUNNING);
  }

  @Test
  void aPauseAtAManualStepWaitsUnlessTheTeamCountsItAsReached() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, """
        phase: Paused
        message: CanaryPauseStep
        observedGeneration: "1"
        stableRS: 5d8b9c7f6
        currentPodHash: 7f9c5d6b8
        currentStepIndex: 1
        controllerPause: true
        pauseConditions: [{reason: CanaryPauseStep, startTime: "2026-11-29T12:01:00Z"}]
        """));

    assertThat(rollout().status()).isEqualTo(GateStatus.RUNNING);
    GateResult reached = rollout(new RolloutGate.Options(false, true));
    assertThat(reached.status()).isEqualTo(GateStatus.PASSED);
    assertThat(reached.reason()).isEqualTo("Rollout shop/web reached its manual step on the promoted image (acceptPaused): CanaryPauseStep");
  }

  @Test
  void aControllerBeforeV1WithoutAPhaseIsJudgedAsKubectlArgoRolloutsDoes() {
    String legacy = """
        observedGeneration: 6b7f9c5d8a
        currentPodHash: 7f9c5d6b8
        stableRS: 7f9c5d6b8
        replicas: 4
        updatedReplicas: 4
        availableReplicas: 4
        """;
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, legacy));
    GateResult healthy = rollout();
    KubeObjects.put(client, RolloutGate.ROLLOUTS, canary(FIX, legacy.replace("stableRS: 7f9c5d6b8", "stableRS: 5d8b9c7f6")
        + "conditions:\n- {type: Progressing, status: \"False\", reason: ProgressDeadlineExceeded,"
        + " message: 'ReplicaSet \"web-7f9c5d6b8\" has timed out progressing.'}\n"));
    GateResult degraded = rollout();

    assertThat(healthy.status()).isEqualTo(GateStatus.PASSED);
    assertThat(healthy.observed()).containsEntry("phase", "Healthy");
    assertThat(degraded.status()).isEqualTo(GateStatus.FAILED);
    assertThat(degraded.reason()).isEqualTo("Rollout shop/web is Degraded: ProgressDeadlineExceeded: ReplicaSet \"web-7f9c5d6b8\" has timed out progressing.");
  }

  static String workloadRefRollout(String workloadGeneration, String observedWorkloadGeneration) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: web
          namespace: shop
          annotations: {rollout.argoproj.io/revision: "2", rollout.argoproj.io/workload-generation: "%s"}
        spec:
          replicas: 2
          workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web-template}
          strategy: {canary: {steps: [{setWeight: 50}]}}
        status:
          phase: Healthy
          observedGeneration: "1"
          workloadObservedGeneration: "%s"
          stableRS: 7f9c5d6b8
          currentPodHash: 7f9c5d6b8
        """.formatted(workloadGeneration, observedWorkloadGeneration);
  }

  static String templateDeployment(String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web-template, namespace: shop}
        spec:
          replicas: 0
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: web, image: %s}
        """.formatted(image);
  }

  @Test
  void aWorkloadRefRolloutWaitsForItsWorkloadGenerationAndTheReferencedImage() {
    client.apps().deployments().inNamespace("shop").resource(
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(templateDeployment(STUCK),
            io.fabric8.kubernetes.api.model.apps.Deployment.class)).create();
    KubeObjects.put(client, RolloutGate.ROLLOUTS, workloadRefRollout("2", "2"));
    GateResult oldImage = rollout();

    client.apps().deployments().inNamespace("shop").withName("web-template").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(FIX);
      return d;
    });
    KubeObjects.put(client, RolloutGate.ROLLOUTS, workloadRefRollout("3", "2"));
    GateResult stale = rollout();
    KubeObjects.put(client, RolloutGate.ROLLOUTS, workloadRefRollout("3", "3"));
    GateResult healthy = rollout();

    assertThat(oldImage.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(oldImage.reason()).isEqualTo("Deployment web-template (workloadRef of Rollout shop/web) container web runs "
        + STUCK + ", waiting for " + FIX);
    assertThat(stale.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(stale.reason()).isEqualTo("Rollout shop/web is Progressing: workload generation 3 not yet observed by the controller (observed 2)");
    assertThat(healthy.status()).isEqualTo(GateStatus.PASSED);
  }

  @Test
  void aMissingRolloutIsWaitedForOnAFirstDeploymentOnly() {
    GateContext first = new GateContext("dev", CONTEXT.commit(), CONTEXT.images(), CONTEXT.promotedAt(), null, null, Set.of("web"));
    FakeClock clock = new FakeClock(Instant.parse("2026-11-29T12:00:00Z"));
    RolloutGate gate = new RolloutGate(Cluster.of(client), "shop", "web", RolloutGate.Options.DEFAULT,
        new NotFound(Duration.ofMinutes(2), clock));

    GateResult early = gate.check(first);
    clock.advance(Duration.ofMinutes(3));
    GateResult late = gate.check(first);
    GateResult notFirst = new RolloutGate(Cluster.of(client), "shop", "web", RolloutGate.Options.DEFAULT,
        new NotFound(Duration.ofMinutes(2), clock)).check(CONTEXT);

    assertThat(early.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(early.reason()).isEqualTo("Rollout shop/web not found in the cluster (yet: first deployment, waiting up to 2m)");
    assertThat(late.status()).isEqualTo(GateStatus.FAILED);
    assertThat(notFirst.status()).isEqualTo(GateStatus.FAILED);
  }

  static JsonNode yaml(String text) throws Exception {
    return new ObjectMapper().valueToTree(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(text, Map.class));
  }

  static String deployment(String image, int generation, int observed) {
    return """
        metadata: {name: web, namespace: shop, generation: %d}
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - {name: web, image: %s}
        status:
          observedGeneration: %d
          replicas: 2
          updatedReplicas: 1
          availableReplicas: 1
          conditions:
          - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded,
             message: 'ReplicaSet "web-5d8b9c7f6" has timed out progressing.'}
        """.formatted(generation, image, observed);
  }

  @Test
  void aDeploymentStuckOnTheOldVersionIsTheOldVersionsVerdict() throws Exception {
    GateResult oldTemplate = DeploymentGate.evaluate("Deployment shop/web", yaml(deployment(STUCK, 4, 4)), null, CONTEXT);
    GateResult notObserved = DeploymentGate.evaluate("Deployment shop/web", yaml(deployment(FIX, 5, 4)), null, CONTEXT);
    GateResult observed = DeploymentGate.evaluate("Deployment shop/web", yaml(deployment(FIX, 5, 5)), null, CONTEXT);

    assertThat(oldTemplate.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(notObserved.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(notObserved.reason()).isEqualTo("Deployment shop/web generation 5 not yet observed by the controller (observed 4)");
    assertThat(observed.status()).isEqualTo(GateStatus.FAILED);
  }
}
