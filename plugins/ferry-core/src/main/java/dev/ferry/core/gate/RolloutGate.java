package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Passes when an Argo Rollouts Rollout is Healthy on the promoted image. First it establishes that
 * the Rollout reflects the promoted version (its pod template, or its workloadRef's, runs the
 * promoted image; the controller observed that spec and that workload generation): until then an
 * abort, a Degraded phase or a failed analysis belong to the old version and the gate is RUNNING.
 * Then it judges the phase as {@code kubectl argo rollouts} does ({@code GetRolloutPhase}; for
 * controllers before v1.0, which write no {@code status.phase}, computed from the status), and the
 * AnalysisRuns of the current revision.
 *
 * <pre>{@code new RolloutGate(cluster, "shop", "web")}</pre>
 */
final class RolloutGate implements Gate {

  static final ResourceDefinitionContext ROLLOUTS = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Rollout")
      .withPlural("rollouts").withNamespaced(true).build();
  static final ResourceDefinitionContext ANALYSIS_RUNS = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("AnalysisRun")
      .withPlural("analysisruns").withNamespaced(true).build();

  /** The label Argo Rollouts puts on the ReplicaSets and AnalysisRuns of one pod template. */
  static final String POD_TEMPLATE_HASH = "rollouts-pod-template-hash";
  /** The revision of a Rollout, and of the AnalysisRuns it created for that revision. */
  static final String REVISION = "rollout.argoproj.io/revision";
  /** The generation of the workloadRef the Rollout's spec was resolved from. */
  static final String WORKLOAD_GENERATION = "rollout.argoproj.io/workload-generation";


  /** {@code - rollout: {namespace: shop, name: web}}. */
  static final GateKind KIND = new GateKind() {
    @Override
    public String name() {
      return "rollout";
    }

    @Override
    public List<GateSetting> settings() {
      List<GateSetting> settings = new ArrayList<>(List.of(
          GateSetting.required("name", GateSetting.Type.STRING, "Rollout name"),
          GateSetting.optional("namespace", GateSetting.Type.STRING, "default", "its namespace"),
          GateSetting.choice("inconclusive", "fail", List.of("fail", "wait"),
              "an Inconclusive AnalysisRun ends the verification as not verified (fail), or waits for a person to promote or abort (wait)"),
          GateSetting.optional("acceptPaused", GateSetting.Type.BOOLEAN, false,
              "a Rollout on the promoted image paused at a manual step (pause without duration, blue-green awaiting promotion) passes"),
          NotFound.SETTING));
      settings.addAll(Cluster.SETTINGS);
      return settings;
    }

    @Override
    public void check(GateSettings settings, Problems problems) {
    }

    @Override
    public Gate build(GateSettings s, Building building) {
      return new RolloutGate(Cluster.of(s, building.env()), s.text("namespace"), s.text("name"),
          new Options(s.text("inconclusive").equals("wait"), s.bool("acceptPaused")),
          new NotFound(s.duration(NotFound.SETTING.name()), building.clock()));
    }
  };

  /**
   * How teams differ in judging a Rollout.
   *
   * @param waitOnInconclusive an Inconclusive analysis keeps the gate RUNNING instead of failing it
   * @param acceptPaused a pause at a manual step on the promoted image passes
   */
  record Options(boolean waitOnInconclusive, boolean acceptPaused) {
    static final Options DEFAULT = new Options(false, false);
  }

  private final Cluster cluster;
  private final String namespace;
  private final String rollout;
  private final Options options;
  private final NotFound notFound;

  RolloutGate(Cluster cluster, String namespace, String rollout, Options options, NotFound notFound) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.rollout = rollout;
    this.options = options;
    this.notFound = notFound;
  }

  RolloutGate(Cluster cluster, String namespace, String rollout) {
    this(cluster, namespace, rollout, Options.DEFAULT, new NotFound(Duration.ZERO, Clock.systemUTC()));
  }

  @Override
  public String name() {
    return "rollout " + namespace + "/" + rollout;
  }

  @Override
  public GateResult check(GateContext context) {
    String what = "Rollout " + namespace + "/" + rollout;
    JsonNode r;
    JsonNode workload = null;
    String workloadProblem = null;
    List<JsonNode> runs = new ArrayList<>();
    try {
      GenericKubernetesResource resource = cluster.client().genericKubernetesResources(ROLLOUTS)
          .inNamespace(namespace).withName(rollout).get();
      if (resource == null) {
        return notFound.answer(what + " not found in " + cluster.describe(), context);
      }
      r = Http.json().valueToTree(resource);
      JsonNode ref = r.path("spec").path("workloadRef");
      if (ref.path("kind").asText().equals("Deployment") && !ref.path("name").asText().isEmpty()) {
        try {
          GenericKubernetesResource d = cluster.client().genericKubernetesResources(DeploymentGate.DEPLOYMENTS)
              .inNamespace(namespace).withName(ref.path("name").asText()).get();
          if (d == null) {
            workloadProblem = "not found";
          } else {
            workload = Http.json().valueToTree(d);
          }
        } catch (KubernetesClientException e) {
          if (e.getCode() != 403 && e.getCode() != 404) {
            throw e;
          }
          workloadProblem = e.getCode() == 403 ? "not readable (403)" : "not found";
        }
      }
      String hash = r.path("status").path("currentPodHash").asText("");
      if (!hash.isEmpty()) {
        // only this pod template's runs: the label selector keeps the answer small in a busy namespace
        for (GenericKubernetesResource run : cluster.client().genericKubernetesResources(ANALYSIS_RUNS)
            .inNamespace(namespace).withLabel(POD_TEMPLATE_HASH, hash).list().getItems()) {
          runs.add(Http.json().valueToTree(run));
        }
      }
    } catch (KubernetesClientException e) {
      return Cluster.answer(e, what);
    } catch (GateAnswer answer) {
      return answer.result();
    }
    return evaluate(what, r, workload, workloadProblem, runs, context, options);
  }

  /** Judges a Rollout, the Deployment its workloadRef names (or null), and its AnalysisRuns. */
  static GateResult evaluate(String what, JsonNode r, JsonNode workload, String workloadProblem, List<JsonNode> runs,
      GateContext context, Options options) {
    JsonNode status = r.path("status");
    String stable = status.path("stableRS").asText("");
    String current = status.path("currentPodHash").asText("");
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("stableRS", stable);
    observed.put("currentPodHash", current);

    // 1. the promoted version: until the Rollout runs it, what its status says is about the old one
    JsonNode containers = r.path("spec").path("template").path("spec").path("containers");
    if (containers.isArray() && containers.size() > 0) {
      GateResult image = PodImages.mismatch(containers, null, context.images(), what, observed);
      if (image != null) {
        return image;
      }
    } else if (workload != null) {
      String deployment = "Deployment " + workload.path("metadata").path("name").asText() + " (workloadRef of " + what + ")";
      GateResult image = PodImages.mismatch(workload.path("spec").path("template").path("spec").path("containers"),
          null, context.images(), deployment, observed);
      if (image != null) {
        return image;
      }
    } else if (workloadProblem != null) {
      // the controller's workload generation below still tells whether it saw the latest template
      observed.put("workloadRef", workloadProblem);
    }
    Phase phase = phase(r);
    observed.put("phase", phase.name());
    if (!phase.observed()) {
      return GateResult.running(what + " is Progressing: " + phase.message(), observed);
    }

    // 2. the promoted version's verdict
    String message = phase.message();
    if (status.path("abort").asBoolean(false)) {
      return GateResult.failed(what + " was aborted" + (message.isEmpty() ? "" : ": " + message), observed);
    }
    if (phase.name().equals("Degraded")) {
      return GateResult.failed(what + " is Degraded" + (message.isEmpty() ? "" : ": " + message), observed);
    }
    GateResult analysis = analysis(r, runs, observed, options);
    if (analysis != null && analysis.status() == GateStatus.FAILED) {
      return analysis;
    }
    if (phase.name().equals("Paused")) {
      if (options.acceptPaused() && atManualStep(r)) {
        return GateResult.passed(what + " reached its manual step on the promoted image (acceptPaused): " + message, observed);
      }
      return GateResult.running(what + " is Paused" + (message.isEmpty() ? "" : ": " + message), observed);
    }
    if (!phase.name().equals("Healthy")) {
      return GateResult.running(what + " is " + phase.name() + (message.isEmpty() ? "" : ": " + message), observed);
    }
    if (!stable.isEmpty() && !stable.equals(current)) {
      return GateResult.running(what + ": stable ReplicaSet " + stable + " is not yet the current " + current, observed);
    }
    if (analysis != null) {
      return analysis;
    }
    return GateResult.passed(what + " is Healthy on " + (current.isEmpty() ? "the promoted image" : current)
        + (observed.containsKey("analysisRuns") ? " with successful analysis" : ""), observed);
  }

  /**
   * A Rollout's phase and message as {@code kubectl argo rollouts} shows them; {@code observed} is
   * false while the controller has not seen the latest spec (then the phase is Progressing).
   */
  record Phase(String name, String message, boolean observed) {
  }

  static Phase phase(JsonNode r) {
    JsonNode status = r.path("status");
    // the controller writes the generation it acted on as a string; controllers before v0.10 wrote
    // a hash there, which says nothing comparable: taken as observed, as Argo Rollouts does
    String observedGeneration = status.path("observedGeneration").asText("");
    long generation = r.path("metadata").path("generation").asLong(0);
    if (observedGeneration.matches("\\d{1,18}") && Long.parseLong(observedGeneration) < generation) {
      return new Phase("Progressing", "generation " + generation + " not yet observed by the controller (observed "
          + observedGeneration + ")", false);
    }
    if (status.path("controllerPause").asBoolean(false) && status.path("pauseConditions").isEmpty()) {
      return new Phase("Progressing", "waiting for the rollout to unpause", false);
    }
    String workloadGeneration = r.path("metadata").path("annotations").path(WORKLOAD_GENERATION).asText("");
    String workloadObserved = status.path("workloadObservedGeneration").asText("");
    if (!r.path("spec").path("workloadRef").isMissingNode() && workloadGeneration.matches("\\d{1,9}")
        && workloadObserved.matches("\\d{1,9}") && !workloadGeneration.equals(workloadObserved)) {
      return new Phase("Progressing", "workload generation " + workloadGeneration
          + " not yet observed by the controller (observed " + workloadObserved + ")", false);
    }
    if (status.isMissingNode() || status.isEmpty()) {
      return new Phase("Progressing", "no status yet", false);
    }
    String phase = status.path("phase").asText("");
    if (!phase.isEmpty()) {
      return new Phase(phase, status.path("message").asText(""), true);
    }
    return legacyPhase(r.path("spec"), status);
  }

  /** For controllers before v1.0, which leave the phase to clients: Argo Rollouts' CalculateRolloutPhase. */
  private static Phase legacyPhase(JsonNode spec, JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      String reason = c.path("reason").asText("");
      if (c.path("type").asText().equals("InvalidSpec")) {
        return new Phase("Degraded", "InvalidSpec: " + c.path("message").asText(""), true);
      }
      if (reason.equals("RolloutAborted") || reason.equals("ProgressDeadlineExceeded")) {
        return new Phase("Degraded", reason + ": " + c.path("message").asText(""), true);
      }
    }
    if (spec.path("paused").asBoolean(false)) {
      return new Phase("Paused", "manually paused", true);
    }
    for (JsonNode p : status.path("pauseConditions")) {
      return new Phase("Paused", p.path("reason").asText(""), true);
    }
    int replicas = spec.path("replicas").asInt(1);
    int updated = status.path("updatedReplicas").asInt(0);
    int available = status.path("availableReplicas").asInt(0);
    if (updated < replicas) {
      return new Phase("Progressing", "more replicas need to be updated", true);
    }
    if (available < updated) {
      return new Phase("Progressing", "updated replicas are still becoming available", true);
    }
    String current = status.path("currentPodHash").asText("");
    String stable = status.path("stableRS").asText("");
    JsonNode strategy = spec.path("strategy");
    if (!strategy.path("blueGreen").isMissingNode()) {
      String active = status.path("blueGreen").path("activeSelector").asText("");
      if (active.isEmpty() || !active.equals(current)) {
        return new Phase("Progressing", "active service cutover pending", true);
      }
      // controllers before v1.0 did not write stableRS for blue-green: the active selector is the verdict
      if (!stable.isEmpty() && !stable.equals(current)) {
        return new Phase("Progressing", "waiting for post-promotion verification to complete", true);
      }
    } else if (!strategy.path("canary").isMissingNode()) {
      if (strategy.path("canary").path("trafficRouting").isMissingNode()
          && status.path("replicas").asInt(0) > updated) {
        return new Phase("Progressing", "old replicas are pending termination", true);
      }
      if (stable.isEmpty() || !stable.equals(current)) {
        return new Phase("Progressing", "waiting for all steps to complete", true);
      }
    }
    return new Phase("Healthy", "", true);
  }

  /** Paused at a step only a person ends: a canary pause without duration, or a blue-green awaiting promotion. */
  private static boolean atManualStep(JsonNode r) {
    for (JsonNode p : r.path("status").path("pauseConditions")) {
      String reason = p.path("reason").asText();
      if (reason.equals("BlueGreenPause")) {
        return true;
      }
      if (reason.equals("CanaryPauseStep")) {
        JsonNode step = r.path("spec").path("strategy").path("canary").path("steps")
            .path(r.path("status").path("currentStepIndex").asInt(-1));
        return step.has("pause") && !step.path("pause").has("duration");
      }
    }
    return false;
  }

  /**
   * Judges the AnalysisRuns of the Rollout's current revision: those its status names, and those
   * created for its revision (annotation {@value #REVISION}). A run of the same pod template kept from
   * an earlier attempt judged that attempt. Null when all are Successful or there are none.
   */
  private static GateResult analysis(JsonNode r, List<JsonNode> runs, Map<String, Object> observed, Options options) {
    String rollout = r.path("metadata").path("name").asText();
    String revision = r.path("metadata").path("annotations").path(REVISION).asText("");
    Set<String> named = new LinkedHashSet<>();
    for (String strategy : List.of("canary", "blueGreen")) {
      for (String field : List.of("currentStepAnalysisRunStatus", "currentBackgroundAnalysisRunStatus",
          "prePromotionAnalysisRunStatus", "postPromotionAnalysisRunStatus")) {
        String name = r.path("status").path(strategy).path(field).path("name").asText("");
        if (!name.isEmpty()) {
          named.add(name);
        }
      }
    }
    List<String> seen = new ArrayList<>();
    GateResult answer = null;
    for (JsonNode run : runs) {
      if (!ownedBy(run, rollout)) {
        continue;
      }
      String name = run.path("metadata").path("name").asText();
      String runRevision = run.path("metadata").path("annotations").path(REVISION).asText("");
      if (!named.contains(name) && !runRevision.equals(revision)) {
        continue;
      }
      String phase = run.path("status").path("phase").asText("Pending");
      seen.add(name + "=" + phase);
      String message = run.path("status").path("message").asText("");
      switch (phase) {
        case "Successful" -> { }
        case "Failed", "Error" -> {
          observed.put("analysisRuns", String.join(", ", seen));
          return GateResult.failed("AnalysisRun " + name + " " + phase + (message.isEmpty() ? "" : ": " + message), observed);
        }
        case "Inconclusive" -> {
          if (!options.waitOnInconclusive()) {
            observed.put("analysisRuns", String.join(", ", seen));
            return GateResult.failed("AnalysisRun " + name + " is Inconclusive: not verified"
                + (message.isEmpty() ? "" : " (" + message + ")") + "; set inconclusive: wait to wait for a person", observed);
          }
          answer = GateResult.running("AnalysisRun " + name + " is Inconclusive: waiting for a person to promote or abort", observed);
        }
        default -> answer = GateResult.running("AnalysisRun " + name + " is " + phase, observed);
      }
    }
    if (!seen.isEmpty()) {
      observed.put("analysisRuns", String.join(", ", seen));
    }
    return answer == null ? null : new GateResult(answer.status(), answer.reason(), observed);
  }

  private static boolean ownedBy(JsonNode run, String rollout) {
    for (JsonNode owner : run.path("metadata").path("ownerReferences")) {
      if (owner.path("kind").asText().equals("Rollout") && owner.path("name").asText().equals(rollout)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
