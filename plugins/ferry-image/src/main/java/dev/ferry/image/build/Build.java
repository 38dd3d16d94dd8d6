package dev.ferry.image.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.image.process.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One image build and push. With a container engine (buildah, podman or docker, the first found on
 * {@code PATH} unless one is named) it builds a Dockerfile context; with {@code jib} it builds
 * without any engine, putting a directory or a jar on top of a registry base image (or
 * {@code scratch}). Either way OCI labels from the CI environment are added, the image is pushed,
 * and the pushed digest is confirmed with the registry. Used once: set what applies, then
 * {@link #call()}.
 *
 * <pre>{@code
 * BuildResult r = new Build()
 *     .context(Path.of("."))
 *     .image(ImageRef.parse("registry.example.com/shop/web:1.4.2"))
 *     .call();
 * r.digest(); // sha256:...
 * }</pre>
 */
public final class Build {

  /** Which tool builds the image. */
  public enum Builder {
    AUTO, BUILDAH, PODMAN, DOCKER, JIB;

    public static Builder of(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InputException("unknown builder '" + name + "' (valid: buildah, podman, docker, jib)");
      }
    }

    public String command() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Path context;
  Path dockerfile;
  ImageRef image;
  Builder builder = Builder.AUTO;
  final Map<String, String> buildArgs = new LinkedHashMap<>();
  final Map<String, String> extraLabels = new LinkedHashMap<>();
  RegistryAccess access = RegistryAccess.anonymous();
  Map<String, String> environment = System.getenv();
  Clock clock = Clock.systemUTC();
  FerryListener listener = FerryListener.NONE;
  Duration timeout = Duration.ofMinutes(30);
  Path storage;
  String from = "scratch";
  Path jar;
  String appRoot = "/app";
  List<String> entrypoint;
  String user;
  final List<String> ports = new ArrayList<>();

  /** The build context: a Dockerfile's folder, or for jib the folder copied into the image. */
  public Build context(Path dir) {
    this.context = dir;
    return this;
  }

  /** The Dockerfile (default {@code CONTEXT/Dockerfile}). */
  public Build dockerfile(Path file) {
    this.dockerfile = file;
    return this;
  }

  /** Where to push, with a tag. */
  public Build image(ImageRef ref) {
    this.image = ref;
    return this;
  }

  public Build builder(Builder value) {
    this.builder = value;
    return this;
  }

  public Build buildArg(String name, String value) {
    buildArgs.put(name, value);
    return this;
  }

  /** A label beyond the OCI ones from the CI environment (which it may override). */
  public Build label(String name, String value) {
    extraLabels.put(name, value);
    return this;
  }

  public Build access(RegistryAccess value) {
    this.access = value;
    return this;
  }

  /** The environment: CI variables for labels, {@code PATH} to find builders, passed to them. */
  public Build environment(Map<String, String> value) {
    this.environment = value;
    return this;
  }

  public Build clock(Clock value) {
    this.clock = value;
    return this;
  }

  public Build listener(FerryListener value) {
    this.listener = value;
    return this;
  }

  /** How long the build and the push may each take (default 30 minutes). */
  public Build timeout(Duration value) {
    this.timeout = value;
    return this;
  }

  /** buildah/podman only: keep images and state under this folder instead of the system store. */
  public Build storage(Path dir) {
    this.storage = dir;
    return this;
  }

  /** jib only: the base image ({@code registry/repo:tag} or {@code scratch}, the default). */
  public Build from(String base) {
    this.from = base;
    return this;
  }

  /** jib only: a jar to run with {@code java -jar} instead of copying the context folder. */
  public Build jar(Path file) {
    this.jar = file;
    return this;
  }

  /** jib only: where the application goes in the image (default {@code /app}). */
  public Build appRoot(String dir) {
    this.appRoot = dir;
    return this;
  }

  /** jib only: the entrypoint (default {@code java -jar APP_ROOT/NAME.jar} for a jar). */
  public Build entrypoint(List<String> args) {
    this.entrypoint = args;
    return this;
  }

  /** jib only: the user to run as, e.g. {@code 10001}. */
  public Build user(String value) {
    this.user = value;
    return this;
  }

  /** jib only: a port to expose, e.g. {@code 8080/tcp}. */
  public Build exposedPort(String port) {
    ports.add(port);
    return this;
  }

  /**
   * Builds, pushes and confirms the digest with the registry.
   *
   * @throws InputException for a missing context, Dockerfile or jar, or no builder found
   * @throws ExternalException when the builder or the registry fails (its error output quoted)
   */
  public BuildResult call() {
    if (image == null) {
      throw new InputException("name the image to build and push (--image registry/repository:tag)");
    }
    if (image.digest() != null) {
      throw new InputException("the image to build '" + image + "' names a digest; give a tag instead,"
          + " the digest is what the build produces");
    }
    if (image.tag() == null) {
      image = image.withTag("latest");
    }
    Map<String, String> labels = new LinkedHashMap<>(OciLabels.fromCi(environment, clock, image));
    labels.putAll(extraLabels);
    Builder chosen = builder == Builder.AUTO ? detect() : builder;
    listener.on(FerryEvent.progress("build", "building " + image + " with " + chosen.command()));
    String digest = chosen == Builder.JIB
        ? new JibBuild(this).build(labels)
        : new EngineBuild(this, chosen, Program.find(chosen.command(), environment).orElseThrow(() ->
            new InputException(chosen.command() + " is not installed on this agent (not on PATH)",
                null, "install it, or use --builder jib, which needs no container engine", null)))
            .build(labels);
    RegistryClient registry = new RegistryClient(access);
    ImageRef pushed = image.withDigest(null);
    String registryDigest = registry.resolveDigest(pushed);
    if (!registryDigest.equals(digest)) {
      throw new ExternalException("the registry reports " + registryDigest + " for " + pushed + " but "
          + chosen.command() + " pushed " + digest + "; another build may have pushed the same tag meanwhile");
    }
    long size = size(registry.manifest(pushed.withDigest(digest)));
    listener.on(FerryEvent.info("build", "pushed " + pushed + "@" + digest));
    return new BuildResult(pushed.withDigest(digest).toString(), digest, size, chosen.command(), labels);
  }

  private static long size(RegistryClient.Manifest manifest) {
    JsonNode m = manifest.json();
    long size = manifest.body().length + m.path("config").path("size").asLong(0);
    for (JsonNode layer : m.path("layers")) {
      size += layer.path("size").asLong(0);
    }
    return size;
  }

  private Builder detect() {
    for (Builder b : List.of(Builder.BUILDAH, Builder.PODMAN, Builder.DOCKER)) {
      if (Program.find(b.command(), environment).isPresent()) {
        return b;
      }
    }
    throw new InputException("no container engine found on this agent (looked for buildah, podman, docker on PATH)",
        null, "install buildah, or use --builder jib with --from BASE to build without an engine", null);
  }

  Path requireContext() {
    if (context == null) {
      throw new InputException("name the build context (--context DIR)");
    }
    if (!Files.isDirectory(context)) {
      throw new InputException("the build context " + context + " is not a folder");
    }
    return context;
  }
}
