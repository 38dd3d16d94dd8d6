package dev.ferry.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The environment of every process Ferry starts (kubectl, buildah, podman, docker, trivy, grype):
 * only the variables that program needs, taken from Ferry's own environment, plus what the caller
 * adds on purpose (an auth file's path, a scanner's registry login). Ferry runs in CI jobs whose
 * environment holds {@code GIT_TOKEN}, {@code ARGOCD_TOKEN} and other secrets; a child process,
 * and whatever a rendered repository or a Dockerfile makes it run, must not inherit them.
 *
 * <pre>{@code
 * ProcessBuilder pb = new ProcessBuilder("kubectl", "kustomize", dir);
 * ChildEnvironment.apply(pb, ChildEnvironment.of(ChildEnvironment.Program.MINIMAL, System.getenv(), Map.of()));
 * }</pre>
 */
public final class ChildEnvironment {

  /** What every program gets: where to find programs, the user's home, locale, time zone, temp. */
  static final List<String> BASE = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE",
      "LC_MESSAGES", "TZ", "TMPDIR");
  private static final List<String> PROXY = List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
      "https_proxy", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR");

  private ChildEnvironment() {
  }

  /** A kind of program, with the variables it reads beyond {@link #BASE}. */
  public enum Program {
    /** Only the base: {@code kubectl kustomize} renders files, needs no network, no cluster, no secret. */
    MINIMAL(List.of()),
    /** buildah, podman, docker: their storage, runtime and engine settings, proxies for base images. */
    CONTAINER_ENGINE(Stream.concat(PROXY.stream(), Stream.of("DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY",
        "DOCKER_CONTEXT", "DOCKER_BUILDKIT", "BUILDKIT_PROGRESS", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME",
        "XDG_DATA_HOME", "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF",
        "CONTAINER_HOST", "BUILDAH_ISOLATION", "BUILDAH_FORMAT", "STORAGE_DRIVER", "STORAGE_OPTS", "_CONTAINERS_USERNS_CONFIGURED")).toList()),
    /** trivy, grype: their caches and database locations, proxies for the vulnerability database. */
    SCANNER(Stream.concat(PROXY.stream(), Stream.of("XDG_CACHE_HOME", "TRIVY_CACHE_DIR", "TRIVY_DB_REPOSITORY",
        "TRIVY_JAVA_DB_REPOSITORY", "TRIVY_OFFLINE_SCAN", "TRIVY_SKIP_DB_UPDATE", "GRYPE_DB_CACHE_DIR",
        "GRYPE_DB_AUTO_UPDATE", "DOCKER_HOST")).toList());

    private final List<String> extra;

    Program(List<String> extra) {
      this.extra = extra;
    }

    /** Every variable this program is given from Ferry's environment. */
    public List<String> variables() {
      return Stream.concat(BASE.stream(), extra.stream()).toList();
    }
  }

  /**
   * The environment for {@code program}: its variables copied from {@code parent} where set, then
   * {@code added} (which wins).
   */
  public static Map<String, String> of(Program program, Map<String, String> parent, Map<String, String> added) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : program.variables()) {
      String value = parent.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(added);
    return env;
  }

  /** Replaces the environment {@code pb} would inherit with {@code env}. */
  public static ProcessBuilder apply(ProcessBuilder pb, Map<String, String> env) {
    Map<String, String> target = pb.environment();
    target.clear();
    target.putAll(env);
    return pb;
  }
}
