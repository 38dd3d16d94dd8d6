package dev.ferry.image.build;

import java.util.Map;

/**
 * What a build pushed.
 *
 * @param image the pushed reference with its digest, {@code registry/repo:tag@sha256:...}
 * @param digest the manifest digest, as the registry reports it
 * @param size bytes of the manifest, config and layers as stored in the registry
 * @param builder which builder made it: buildah, podman, docker or jib
 * @param labels the labels Ferry added
 */
public record BuildResult(String image, String digest, long size, String builder, Map<String, String> labels) {
  public BuildResult {
    labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels)); // keep their order
  }
}
