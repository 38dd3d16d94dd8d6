package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passes when an Argo Rollouts Rollout is Healthy on the promoted image: the controller observed
 * the current spec, phase {@code Healthy},
 * the pod template runs the promoted image, the stable ReplicaSet is the current pod hash, and
 * every AnalysisRun of the current revision is {@code Successful}. Degraded, aborted, or a failed
 * analysis fails.
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

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cluster cluster;
  private final String namespace;
  private final String rollout;

  RolloutGate(Cluster cluster, String namespace, String rollout) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.rollout = rollout;
  }

  @Override
  public String name() {
    return "rollout " + namespace + "/" + rollout;
  }

  @Override
  public GateResult check(GateContext context) {
    String what = "Rollout " + namespace + "/" + rollout;
    JsonNode r;
    List<JsonNode> runs = new ArrayList<>();
    try {
      GenericKubernetesResource resource = cluster.client().genericKubernetesResources(ROLLOUTS)
          .inNamespace(namespace).withName(rollout).get();
      if (resource == null) {
        return GateResult.failed(what + " not found in " + cluster.describe());
      }
      r = JSON.valueToTree(resource);
      for (GenericKubernetesResource run : cluster.client().genericKubernetesResources(ANALYSIS_RUNS)
          .inNamespace(namespace).list().getItems()) {
        runs.add(JSON.valueToTree(run));
      }
    } catch (KubernetesClientException e) {
      return Cluster.answer(e, what);
    } catch (GateAnswer answer) {
      return answer.result();
    }
    JsonNode status = r.path("status");
    String phase = status.path("phase").asText("Unknown");
    String message = status.path("message").asText("");
    String stable = status.path("stableRS").asText("");
    String current = status.path("currentPodHash").asText("");
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("phase", phase);
    observed.put("stableRS", stable);
    observed.put("currentPodHash", current);

    // the controller writes the generation it acted on as a string; a status older than the spec
    // says nothing about the promoted version (very old controllers wrote a hash: not comparable)
    String observedGeneration = status.path("observedGeneration").asText("");
    long generation = r.path("metadata").path("generation").asLong(0);
    if (observedGeneration.matches("\\d+") && Long.parseLong(observedGeneration) < generation) {
      return GateResult.running(what + " generation " + generation + " not yet observed by the controller", observed);
    }
    if (status.path("abort").asBoolean(false)) {
      return GateResult.failed(what + " was aborted" + (message.isEmpty() ? "" : ": " + message), observed);
    }
    if (phase.equals("Degraded")) {
      return GateResult.failed(what + " is Degraded" + (message.isEmpty() ? "" : ": " + message), observed);
    }
    GateResult analysis = analysis(runs, current, observed);
    if (analysis != null && analysis.status() == GateStatus.FAILED) {
      return analysis;
    }
    JsonNode containers = r.path("spec").path("template").path("spec").path("containers");
    // a Rollout with a workloadRef has no template of its own: its Deployment gate checks the image
    if (containers.isArray() && containers.size() > 0) {
      GateResult image = PodImages.mismatch(containers, null, context.images(), what, observed);
      if (image != null) {
        return image;
      }
    }
    if (!phase.equals("Healthy")) {
      return GateResult.running(what + " is " + phase + (message.isEmpty() ? "" : ": " + message), observed);
    }
    if (current.isEmpty() || !current.equals(stable)) {
      return GateResult.running(what + ": stable ReplicaSet " + stable + " is not yet the current " + current, observed);
    }
    if (analysis != null) {
      return analysis;
    }
    return GateResult.passed(what + " is Healthy on " + current
        + (observed.containsKey("analysisRuns") ? " with successful analysis" : ""), observed);
  }

  /**
   * Judges the AnalysisRuns owned by this Rollout for the current pod template (older ones judged
   * an earlier version). Null when all are Successful or there are none.
   */
  private GateResult analysis(List<JsonNode> runs, String currentHash, Map<String, Object> observed) {
    List<String> seen = new ArrayList<>();
    GateResult answer = null;
    for (JsonNode run : runs) {
      if (!ownedByRollout(run)) {
        continue;
      }
      String hash = run.path("metadata").path("labels").path(POD_TEMPLATE_HASH).asText("");
      if (!hash.isEmpty() && !currentHash.isEmpty() && !hash.equals(currentHash)) {
        continue;
      }
      String name = run.path("metadata").path("name").asText();
      String phase = run.path("status").path("phase").asText("Pending");
      seen.add(name + "=" + phase);
      String message = run.path("status").path("message").asText("");
      switch (phase) {
        case "Successful" -> { }
        case "Failed", "Error" -> {
          return GateResult.failed("AnalysisRun " + name + " " + phase + (message.isEmpty() ? "" : ": " + message),
              withRuns(observed, seen));
        }
        default -> answer = GateResult.running("AnalysisRun " + name + " is " + phase, observed);
      }
    }
    if (!seen.isEmpty()) {
      observed.put("analysisRuns", String.join(", ", seen));
    }
    return answer == null ? null : new GateResult(answer.status(), answer.reason(), observed);
  }

  private static Map<String, Object> withRuns(Map<String, Object> observed, List<String> seen) {
    observed.put("analysisRuns", String.join(", ", seen));
    return observed;
  }

  private boolean ownedByRollout(JsonNode run) {
    for (JsonNode owner : run.path("metadata").path("ownerReferences")) {
      if (owner.path("kind").asText().equals("Rollout") && owner.path("name").asText().equals(rollout)) {
        return true;
      }
    }
    return false;
  }

  /** Aborts the Rollout, see {@link RolloutAbort}. */
  void abort() {
    RolloutAbort.abort(cluster.client(), namespace, rollout);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
