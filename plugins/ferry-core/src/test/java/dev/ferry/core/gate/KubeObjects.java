package dev.ferry.core.gate;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Puts objects shaped like the real ones (YAML as kubectl shows them) into the mock server. */
final class KubeObjects {

  private KubeObjects() {
  }

  static GenericKubernetesResource parse(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /** Creates or replaces the object, status included. */
  static void put(KubernetesClient client, ResourceDefinitionContext type, String yaml) {
    GenericKubernetesResource resource = parse(yaml);
    var op = client.genericKubernetesResources(type).inNamespace(resource.getMetadata().getNamespace());
    if (op.withName(resource.getMetadata().getName()).get() == null) {
      op.resource(resource).create();
    } else {
      op.resource(resource).update();
    }
  }
}
