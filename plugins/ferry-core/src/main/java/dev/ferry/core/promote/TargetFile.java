package dev.ferry.core.promote;

import dev.ferry.core.InputException;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.config.HelmTarget;
import dev.ferry.core.config.KustomizeTarget;
import dev.ferry.core.config.MarkerTarget;
import dev.ferry.core.config.TargetConfig;
import dev.ferry.core.config.YamlTarget;
import dev.ferry.core.edit.ImageTarget;
import dev.ferry.core.edit.Kustomization;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.image.ImageRef;
import java.util.Optional;

/**
 * Where a service's image lives in an environment: the file in the environment repository and the
 * place in it. Kustomize targets name a directory; the file is its kustomization.
 *
 * @param service the service
 * @param path the file, relative to the repository root
 * @param target the place in the file
 * @param config the target as configured, for render units and messages
 */
record TargetFile(String service, String path, ImageTarget target, TargetConfig config) {

  static TargetFile resolve(EnvRepo repo, String commit, EnvironmentConfig env, ServiceConfig service) {
    TargetConfig config = env.targetFor(service.name());
    String path;
    ImageTarget target;
    if (config instanceof HelmTarget helm) {
      path = helm.path();
      target = helm.allOf() ? ImageTarget.helmAllOf(service.image())
          : ImageTarget.helm(helm.key() == null ? "image" : helm.key());
    } else if (config instanceof KustomizeTarget kustomize) {
      path = Kustomization.FILE_NAMES.stream()
          .map(name -> join(kustomize.path(), name))
          .filter(p -> repo.readFile(commit, p).isPresent())
          .findFirst()
          .orElseThrow(() -> missing(repo, env, service, kustomize.path() + "/kustomization.yaml"));
      target = ImageTarget.kustomize(kustomize.name().orElse(service.image().name()));
    } else if (config instanceof YamlTarget yaml) {
      path = yaml.path();
      target = ImageTarget.yamlPath(yaml.yamlPath());
    } else if (config instanceof MarkerTarget marker) {
      path = marker.path();
      target = ImageTarget.marker(service.name());
    } else {
      throw new IllegalStateException("unknown target " + config);
    }
    return new TargetFile(service.name(), path, target, config);
  }

  /** The file's text at {@code commit}, or a clear error naming the file, service and environment. */
  String read(EnvRepo repo, String commit, EnvironmentConfig env) {
    return repo.readFile(commit, path).orElseThrow(() -> missing(repo, env, null, path));
  }

  Optional<ImageRef> currentImage(EnvRepo repo, String commit) {
    return repo.readFile(commit, path).flatMap(text -> target.read(path, text));
  }

  private static InputException missing(EnvRepo repo, EnvironmentConfig env, ServiceConfig service, String path) {
    String who = service == null ? "" : " (target of service '" + service.name() + "')";
    return new InputException("environment '" + env.name() + "': " + path + who + " does not exist in "
        + repo.url() + " at " + repo.branch(), env.location(),
        "check the targets of '" + env.name() + "' in ferry.yaml, or add the file to the repository", null);
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() || dir.equals(".") ? name : dir.replaceAll("/+$", "") + "/" + name;
  }
}
