package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.image.build.Build;
import dev.ferry.image.build.BuildResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry build}: builds an image, pushes it and prints its digest.
 *
 * <pre>
 * ferry build --context . --image registry.example.com/shop/web:1.4.2
 * ferry build --builder jib --from registry.example.com/base/java:21 --jar target/web.jar --image ...
 * </pre>
 */
@Command(name = "build", mixinStandardHelpOptions = true,
    description = "Build an image (buildah, podman, docker, or jib without an engine), push it, print its digest.")
final class BuildCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;
  @Mixin
  CommonOptions common;

  @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "Where to push: registry/repository:tag.")
  String image;
  @Option(names = "--context", paramLabel = "DIR", defaultValue = ".", description = "The build context (default: .).")
  Path context;
  @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "The Dockerfile (default: CONTEXT/Dockerfile).")
  Path dockerfile;
  @Option(names = "--builder", paramLabel = "NAME", defaultValue = "auto",
      description = "buildah, podman, docker or jib (default: the first engine on PATH).")
  String builder;
  @Option(names = "--build-arg", paramLabel = "NAME=VALUE", description = "A build argument (repeatable).")
  Map<String, String> buildArgs = new LinkedHashMap<>();
  @Option(names = "--label", paramLabel = "NAME=VALUE", description = "An extra label (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();
  @Option(names = "--insecure-registry", description = "The image's registry serves plain HTTP (also FERRY_INSECURE_REGISTRIES).")
  boolean insecure;
  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", description = "Limit for the build and for the push (default: 30m).")
  String timeout;
  @Option(names = "--storage", paramLabel = "DIR", description = "buildah/podman: keep images under DIR instead of the system store.")
  Path storage;
  @Option(names = "--from", paramLabel = "BASE", defaultValue = "scratch", description = "jib: the base image (default: scratch).")
  String from;
  @Option(names = "--jar", paramLabel = "FILE", description = "jib: a jar to run with java -jar instead of the context folder.")
  Path jar;
  @Option(names = "--app-root", paramLabel = "DIR", defaultValue = "/app", description = "jib: where the application goes (default: /app).")
  String appRoot;
  @Option(names = "--entrypoint", paramLabel = "ARG", description = "jib: one argument of the entrypoint (repeat for each).")
  List<String> entrypoint;
  @Option(names = "--user", paramLabel = "USER", description = "jib: the user to run as, e.g. 10001.")
  String user;
  @Option(names = "--expose", paramLabel = "PORT", description = "jib: a port to expose, e.g. 8080/tcp (repeatable).")
  List<String> expose = List.of();

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    ImageRef ref = ImageRef.parse(image);
    Build.Builder chosen = Build.Builder.of(builder);
    if (chosen != Build.Builder.JIB && (jar != null || !from.equals("scratch") || entrypoint != null
        || user != null || !expose.isEmpty())) {
      throw new InputException("--from, --jar, --entrypoint, --user and --expose apply to --builder jib;"
          + " with a Dockerfile, write them there");
    }
    Build build = new Build()
        .image(ref)
        .context(context)
        .dockerfile(dockerfile)
        .builder(chosen)
        .access(ImageOptions.access(ref, insecure))
        .timeout(ImageOptions.duration("--timeout", timeout))
        .storage(storage)
        .from(from)
        .jar(jar)
        .appRoot(appRoot)
        .entrypoint(entrypoint)
        .user(user)
        .listener(console);
    buildArgs.forEach(build::buildArg);
    labels.forEach(build::label);
    expose.forEach(build::exposedPort);
    BuildResult r = build.call();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("image", r.image());
    json.put("digest", r.digest());
    json.put("size", r.size());
    json.put("builder", r.builder());
    json.put("labels", r.labels());
    console.result(json, r.digest());
    return 0;
  }
}
