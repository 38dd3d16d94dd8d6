package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passes when a Kubernetes Deployment has rolled out the promoted image: the pod template runs the
 * promoted image, the controller saw that spec ({@code observedGeneration >= generation}), and every
 * replica is updated and available. A {@code ProgressDeadlineExceeded} condition fails, but only
 * once the Deployment is on the promoted version: until then it is the old version's verdict.
 *
 * <pre>{@code new DeploymentGate(Cluster.fromKubeconfig(null, null, System.getenv()), "shop", "web", null, NotFound.NONE)}</pre>
 */
final class DeploymentGate implements Gate {

  /**
   * Deployments read as documents, not fabric8's typed model: the gate reads a few fields, and
   * binding the typed model (a few hundred classes) costs a fresh process seconds on its first call.
   */
  static final ResourceDefinitionContext DEPLOYMENTS = new ResourceDefinitionContext.Builder()
      .withGroup("apps").withVersion("v1").withKind("Deployment").withPlural("deployments").withNamespaced(true).build();


  /** {@code - deployment: {namespace: shop, name: web, container: web}}. */
  static final GateKind KIND = new GateKind() {
    @Override
    public String name() {
      return "deployment";
    }

    @Override
    public List<GateSetting> settings() {
      List<GateSetting> settings = new ArrayList<>(List.of(
          GateSetting.required("name", GateSetting.Type.STRING, "Deployment name"),
          GateSetting.optional("namespace", GateSetting.Type.STRING, "default", "its namespace"),
          GateSetting.optional("container", GateSetting.Type.STRING, null, "only this container must run the promoted image"),
          NotFound.SETTING));
      settings.addAll(Cluster.SETTINGS);
      return settings;
    }

    @Override
    public void check(GateSettings settings, Problems problems) {
    }

    @Override
    public Gate build(GateSettings s, Building building) {
      return new DeploymentGate(Cluster.of(s, building.env()), s.text("namespace"), s.text("name"), s.text("container"),
          new NotFound(s.duration(NotFound.SETTING.name()), building.clock()));
    }
  };

  private final Cluster cluster;
  private final String namespace;
  private final String deployment;
  private final String container;
  private final NotFound notFound;

  DeploymentGate(Cluster cluster, String namespace, String deployment, String container, NotFound notFound) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.deployment = deployment;
    this.container = container;
    this.notFound = notFound;
  }

  DeploymentGate(Cluster cluster, String namespace, String deployment, String container) {
    this(cluster, namespace, deployment, container, new NotFound(Duration.ZERO, Clock.systemUTC()));
  }

  @Override
  public String name() {
    return "deployment " + namespace + "/" + deployment;
  }

  @Override
  public GateResult check(GateContext context) {
    String what = "Deployment " + namespace + "/" + deployment;
    GenericKubernetesResource resource;
    try {
      resource = cluster.client().genericKubernetesResources(DEPLOYMENTS).inNamespace(namespace).withName(deployment).get();
    } catch (KubernetesClientException e) {
      return Cluster.answer(e, what);
    } catch (GateAnswer answer) {
      return answer.result();
    }
    if (resource == null) {
      return notFound.answer(what + " not found in " + cluster.describe(), context);
    }
    return evaluate(what, Http.json().valueToTree(resource), container, context);
  }

  /** Judges a Deployment document. */
  static GateResult evaluate(String what, JsonNode d, String container, GateContext context) {
    JsonNode status = d.path("status");
    long generation = d.path("metadata").path("generation").asLong(0);
    long observedGeneration = status.path("observedGeneration").asLong(0);
    int replicas = d.path("spec").path("replicas").asInt(1);
    int updated = status.path("updatedReplicas").asInt(0);
    int available = status.path("availableReplicas").asInt(0);
    int total = status.path("replicas").asInt(0);
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("generation", generation);
    observed.put("observedGeneration", observedGeneration);
    observed.put("replicas", replicas);
    observed.put("updatedReplicas", updated);
    observed.put("availableReplicas", available);

    // first: is this the promoted version at all? Until it is, its conditions judge the old one
    GateResult image = PodImages.mismatch(d.path("spec").path("template").path("spec").path("containers"),
        container, context.images(), what, observed);
    if (image != null) {
      return image;
    }
    if (observedGeneration < generation) {
      return GateResult.running(what + " generation " + generation + " not yet observed by the controller"
          + " (observed " + observedGeneration + ")", observed);
    }
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("Progressing")
          && condition.path("reason").asText().equals("ProgressDeadlineExceeded")) {
        return GateResult.failed(what + " exceeded its progress deadline: "
            + condition.path("message").asText(""), observed);
      }
    }
    if (d.path("spec").path("paused").asBoolean(false)) {
      return GateResult.running(what + " is paused (spec.paused)", observed);
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
