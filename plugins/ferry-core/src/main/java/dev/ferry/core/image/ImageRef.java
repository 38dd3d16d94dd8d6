package dev.ferry.core.image;

import dev.ferry.core.InputException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference: {@code [registry/]repository[:tag][@digest]}, following the grammar
 * of the OCI distribution reference. The registry is kept as written; {@link #canonicalName()}
 * normalises Docker Hub names ({@code nginx} is {@code docker.io/library/nginx}) for comparisons.
 *
 * <pre>{@code
 * ImageRef ref = ImageRef.parse("registry.example.com/shop/web:1.4.2");
 * ref.withDigest("sha256:0123...").toString(); // registry.example.com/shop/web:1.4.2@sha256:0123...
 * }</pre>
 *
 * @param registry the registry host[:port] as written, or null when the reference names none
 * @param repository the path within the registry, e.g. {@code shop/web}
 * @param tag the tag, or null
 * @param digest the digest, e.g. {@code sha256:...}, or null
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

  public static final String DOCKER_HUB = "docker.io";

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
          + "(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile(
      "([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]{32,})");

  public ImageRef {
    Objects.requireNonNull(repository, "repository");
  }

  /**
   * Parses a reference, refusing anything the OCI grammar does not allow.
   *
   * @throws InputException naming the reference and what is wrong with it
   */
  @com.fasterxml.jackson.annotation.JsonCreator
  public static ImageRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InputException("empty image reference");
    }
    String rest = text.trim();
    if (!rest.equals(text)) {
      throw invalid(text, "it has leading or trailing white space");
    }
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      Matcher m = DIGEST.matcher(digest);
      if (!m.matches()) {
        throw invalid(text, "the digest '" + digest + "' is not of the form algorithm:hex");
      }
      if (m.group(1).equals("sha256") && !m.group(2).matches("[a-f0-9]{64}")) {
        throw invalid(text, "a sha256 digest has 64 lower-case hex characters");
      }
    }
    String registry = null;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")
          || !first.equals(first.toLowerCase(java.util.Locale.ROOT))) {
        registry = first;
        rest = rest.substring(slash + 1);
        if (!DOMAIN.matcher(registry).matches()) {
          throw invalid(text, "'" + registry + "' is not a valid registry host");
        }
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "the tag '" + tag + "' may only hold letters, digits, '_', '.' and '-'"
            + " (at most 128, not starting with '.' or '-')");
      }
    }
    if (rest.isEmpty() || !REPOSITORY.matcher(rest).matches()) {
      throw invalid(text, "the repository '" + rest + "' must be lower-case path components"
          + " of letters and digits separated by '/', '.', '_' or '-'");
    }
    if ((registry == null ? 0 : registry.length() + 1) + rest.length() > 255) {
      throw invalid(text, "the name is longer than 255 characters");
    }
    return new ImageRef(registry, rest, tag, digest);
  }

  private static InputException invalid(String text, String why) {
    return new InputException("invalid image reference '" + text + "': " + why);
  }

  /** The name as written, without tag or digest: {@code registry/repository}. */
  public String name() {
    return registry == null ? repository : registry + "/" + repository;
  }

  /** The registry, with Docker Hub filled in when the reference names none. */
  public String effectiveRegistry() {
    return registry == null || registry.equals("index.docker.io") ? DOCKER_HUB : registry;
  }

  /** The repository path as the registry knows it ({@code library/nginx} on Docker Hub). */
  public String effectiveRepository() {
    return effectiveRegistry().equals(DOCKER_HUB) && !repository.contains("/")
        ? "library/" + repository : repository;
  }

  /** The fully-qualified name, used to compare repositories: {@code docker.io/library/nginx}. */
  public String canonicalName() {
    return effectiveRegistry() + "/" + effectiveRepository();
  }

  /** Whether both name the same repository, however each was written. */
  public boolean sameRepository(ImageRef other) {
    return canonicalName().equals(other.canonicalName());
  }

  /**
   * Whether both are the same version of the same repository: by digest when both carry one (tags
   * move, digests do not), else by tag and digest as written.
   */
  public boolean sameVersion(ImageRef other) {
    if (!sameRepository(other)) {
      return false;
    }
    if (digest != null && other.digest != null) {
      return digest.equals(other.digest);
    }
    return Objects.equals(tag, other.tag) && Objects.equals(digest, other.digest);
  }

  public Optional<String> tagValue() {
    return Optional.ofNullable(tag);
  }

  public Optional<String> digestValue() {
    return Optional.ofNullable(digest);
  }

  public ImageRef withTag(String newTag) {
    return new ImageRef(registry, repository, newTag, digest);
  }

  public ImageRef withDigest(String newDigest) {
    return new ImageRef(registry, repository, tag, newDigest);
  }

  public ImageRef withName(String newName) {
    ImageRef n = parse(newName);
    return new ImageRef(n.registry, n.repository, tag, digest);
  }

  /** {@code name[:tag][@digest]}; also its JSON form. */
  @com.fasterxml.jackson.annotation.JsonValue
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(name());
    if (tag != null) {
      s.append(':').append(tag);
    }
    if (digest != null) {
      s.append('@').append(digest);
    }
    return s.toString();
  }
}
