package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.FerryException;
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the containers of a pod template with the promoted images: a container runs a promoted
 * image when both name the same repository and agree on the tag and on the digest, wherever both
 * give one (a manifest may pin {@code repo:tag@digest} or only {@code repo:tag}).
 */
final class PodImages {

  private PodImages() {
  }

  /**
   * Returns null when every container that runs one of the promoted repositories runs the promoted
   * image, else the answer to give.
   *
   * @param containers the {@code spec.template.spec.containers} array
   * @param container only this container, or null for all
   * @param what for messages, e.g. {@code Deployment shop/web}
   */
  static GateResult mismatch(JsonNode containers, String container, Map<String, ImageRef> promoted, String what,
      Map<String, Object> observed) {
    List<String> matched = new ArrayList<>();
    boolean containerFound = container == null;
    for (JsonNode c : containers) {
      String name = c.path("name").asText();
      if (container != null && !container.equals(name)) {
        continue;
      }
      containerFound = true;
      String image = c.path("image").asText("");
      observed.put("image" + (containers.size() > 1 ? "." + name : ""), image);
      ImageRef running;
      try {
        running = ImageRef.parse(image);
      } catch (FerryException e) {
        continue;
      }
      for (ImageRef want : promoted.values()) {
        if (running.sameRepository(want)) {
          matched.add(name);
          if (!sameImage(running, want)) {
            return GateResult.running(what + " container " + name + " runs " + image + ", waiting for " + want, observed);
          }
        }
      }
    }
    if (!containerFound) {
      return GateResult.failed(what + " has no container named " + container, observed);
    }
    if (matched.isEmpty() && !promoted.isEmpty()) {
      return GateResult.failed("no container of " + what + " runs a promoted image ("
          + String.join(", ", promoted.values().stream().map(ImageRef::toString).toList()) + ")", observed);
    }
    return null;
  }

  static boolean sameImage(ImageRef running, ImageRef want) {
    boolean compared = false;
    if (running.digest() != null && want.digest() != null) {
      if (!running.digest().equals(want.digest())) {
        return false;
      }
      compared = true;
    }
    if (running.tag() != null && want.tag() != null) {
      if (!running.tag().equals(want.tag())) {
        return false;
      }
      compared = true;
    }
    return compared;
  }
}
