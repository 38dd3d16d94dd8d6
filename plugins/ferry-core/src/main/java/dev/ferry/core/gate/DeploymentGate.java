package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passes when a Kubernetes Deployment has rolled out the promoted image: the controller saw the
 * latest spec ({@code observedGeneration >= generation}), every replica is updated and available,
 * and the pod template runs the promoted image. A {@code ProgressDeadlineExceeded} condition fails.
 *
 * <pre>{@code new DeploymentGate(Cluster.fromKubeconfig(null, null, System.getenv()), "shop", "web", null)}</pre>
 */
final class DeploymentGate implements Gate {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cluster cluster;
  private final String namespace;
  private final String deployment;
  private final String container;

  DeploymentGate(Cluster cluster, String namespace, String deployment, String container) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.deployment = deployment;
    this.container = container;
  }

  @Override
  public String name() {
    return "deployment " + namespace + "/" + deployment;
  }

  @Override
  public GateResult check(GateContext context) {
    String what = "Deployment " + namespace + "/" + deployment;
    Deployment resource;
    try {
      resource = cluster.client().apps().deployments().inNamespace(namespace).withName(deployment).get();
    } catch (KubernetesClientException e) {
      return Cluster.answer(e, what);
    } catch (GateAnswer answer) {
      return answer.result();
    }
    if (resource == null) {
      return GateResult.failed(what + " not found in " + cluster.describe());
    }
    JsonNode d = JSON.valueToTree(resource);
    JsonNode status = d.path("status");
    long generation = d.path("metadata").path("generation").asLong(0);
    long observedGeneration = status.path("observedGeneration").asLong(0);
    int replicas = d.path("spec").path("replicas").asInt(1);
    int updated = status.path("updatedReplicas").asInt(0);
    int available = status.path("availableReplicas").asInt(0);
    int total = status.path("replicas").asInt(0);
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("replicas", replicas);
    observed.put("updatedReplicas", updated);
    observed.put("availableReplicas", available);

    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("Progressing")
          && condition.path("reason").asText().equals("ProgressDeadlineExceeded")) {
        return GateResult.failed(what + " exceeded its progress deadline: "
            + condition.path("message").asText(""), observed);
      }
    }
    GateResult image = PodImages.mismatch(d.path("spec").path("template").path("spec").path("containers"),
        container, context.images(), what, observed);
    if (image != null) {
      return image;
    }
    if (observedGeneration < generation) {
      return GateResult.running(what + " generation " + generation + " not yet observed by the controller", observed);
    }
    if (updated < replicas) {
      return GateResult.running(what + ": " + updated + " of " + replicas + " replicas updated", observed);
    }
    if (total > updated) {
      return GateResult.running(what + ": " + (total - updated) + " old replicas pending termination", observed);
    }
    if (available < replicas) {
      return GateResult.running(what + ": " + available + " of " + replicas + " updated replicas available", observed);
    }
    return GateResult.passed(what + " rolled out: " + available + "/" + replicas + " replicas available", observed);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
