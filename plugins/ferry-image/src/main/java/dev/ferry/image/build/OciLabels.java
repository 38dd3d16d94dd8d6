package dev.ferry.image.build;

import dev.ferry.core.image.ImageRef;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI annotation labels a build adds ({@code org.opencontainers.image.*}), taken from the CI
 * environment: Jenkins' git plugin ({@code GIT_URL}, {@code GIT_COMMIT}) or GitHub Actions
 * ({@code GITHUB_SERVER_URL}/{@code GITHUB_REPOSITORY}, {@code GITHUB_SHA}). {@code created} is
 * {@code SOURCE_DATE_EPOCH} when set (reproducible builds), else now; {@code version} is the
 * image's tag. Credentials in a git URL are removed.
 *
 * <pre>{@code Map<String, String> labels = OciLabels.fromCi(System.getenv(), Clock.systemUTC(), ref);}</pre>
 */
public final class OciLabels {

  public static final String SOURCE = "org.opencontainers.image.source";
  public static final String REVISION = "org.opencontainers.image.revision";
  public static final String CREATED = "org.opencontainers.image.created";
  public static final String VERSION = "org.opencontainers.image.version";

  private OciLabels() {
  }

  public static Map<String, String> fromCi(Map<String, String> env, Clock clock, ImageRef image) {
    Map<String, String> labels = new LinkedHashMap<>();
    String source = nonEmpty(env.get("GIT_URL"));
    if (source == null && nonEmpty(env.get("GITHUB_REPOSITORY")) != null) {
      source = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + env.get("GITHUB_REPOSITORY");
    }
    if (source != null) {
      labels.put(SOURCE, withoutCredentials(source));
    }
    String revision = nonEmpty(env.get("GIT_COMMIT"));
    if (revision == null) {
      revision = nonEmpty(env.get("GITHUB_SHA"));
    }
    if (revision != null) {
      labels.put(REVISION, revision);
    }
    String epoch = nonEmpty(env.get("SOURCE_DATE_EPOCH"));
    Instant created = epoch != null && epoch.matches("\\d+")
        ? Instant.ofEpochSecond(Long.parseLong(epoch)) : clock.instant().truncatedTo(ChronoUnit.SECONDS);
    labels.put(CREATED, created.toString());
    if (image.tag() != null && !image.tag().equals("latest")) {
      labels.put(VERSION, image.tag());
    }
    return labels;
  }

  /** {@code https://user:token@host/x.git} → {@code https://host/x.git}. */
  static String withoutCredentials(String url) {
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }

  private static String nonEmpty(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
