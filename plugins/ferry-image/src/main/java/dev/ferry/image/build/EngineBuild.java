package dev.ferry.image.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.ChildEnvironment;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.InputException;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.image.process.Program;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Dockerfile build with a container engine's command line, then a push. Registry credentials
 * reach the engine through a private auth file named in its environment ({@code REGISTRY_AUTH_FILE}
 * for buildah and podman, {@code DOCKER_CONFIG} for docker), removed afterwards; never through its
 * arguments.
 */
final class EngineBuild {

  private static final Pattern DOCKER_DIGEST = Pattern.compile("digest: (sha256:[a-f0-9]{64})");

  private final Build build;
  private final Build.Builder engine;
  private final Program program;

  EngineBuild(Build build, Build.Builder engine, String executable) {
    this.build = build;
    this.engine = engine;
    this.program = new Program(executable, build.timeout, ChildEnvironment.Program.CONTAINER_ENGINE);
  }

  String build(Map<String, String> labels) {
    Path context = build.requireContext();
    Path dockerfile = build.dockerfile != null ? build.dockerfile : context.resolve("Dockerfile");
    if (!Files.isRegularFile(dockerfile)) {
      throw new InputException("no Dockerfile at " + dockerfile, null,
          "write one, name it with --file, or use --builder jib to build without a Dockerfile", null);
    }
    String name = build.image.toString();
    String host = build.image.effectiveRegistry();
    boolean insecure = build.access.insecure(host);
    Path work;
    try {
      work = Files.createTempDirectory("ferry-build");
    } catch (IOException e) {
      throw new ExternalException("cannot create a temporary folder: " + e.getMessage(), e);
    }
    try {
      Map<String, String> env = credentialsEnvironment(work, host);
      List<String> args = new ArrayList<>(global());
      args.add(engine == Build.Builder.BUILDAH ? "bud" : "build");
      args.addAll(List.of("-f", dockerfile.toString(), "-t", name));
      labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
      build.buildArgs.forEach((k, v) -> args.addAll(List.of("--build-arg", k + "=" + v)));
      if (engine != Build.Builder.DOCKER && insecure) {
        args.add("--tls-verify=false"); // only for registries marked insecure (base image pulls)
      }
      args.add(context.toString());
      run(args, env, "build");
      List<String> push = new ArrayList<>(global());
      push.add("push");
      Path digestFile = work.resolve("digest");
      if (engine != Build.Builder.DOCKER) {
        push.addAll(List.of("--digestfile", digestFile.toString()));
        if (insecure) {
          push.add("--tls-verify=false");
        }
        push.add(name);
        push.add("docker://" + name);
      } else {
        push.add(name);
      }
      Program.Result r = run(push, env, "push");
      if (engine == Build.Builder.DOCKER) {
        Matcher m = DOCKER_DIGEST.matcher(r.stdout());
        if (!m.find()) {
          throw new ExternalException("docker push of " + name + " printed no digest:\n" + r.tail());
        }
        return m.group(1);
      }
      String digest = Files.readString(digestFile, StandardCharsets.UTF_8).trim();
      if (!digest.matches("sha256:[a-f0-9]{64}")) {
        throw new ExternalException(engine.command() + " push wrote '" + digest + "' as the digest of " + name);
      }
      return digest;
    } catch (IOException e) {
      throw new ExternalException(engine.command() + " push of " + name + " left no digest: " + e.getMessage(), e);
    } finally {
      delete(work);
    }
  }

  private List<String> global() {
    List<String> args = new ArrayList<>();
    if (build.storage != null && engine != Build.Builder.DOCKER) {
      args.addAll(List.of("--root", build.storage.resolve("root").toString(),
          "--runroot", build.storage.resolve("run").toString()));
    }
    return args;
  }

  private Program.Result run(List<String> args, Map<String, String> env, String step) {
    Program.Result r = program.run(args, env, build.context,
        line -> build.listener.on(FerryEvent.debug("build", line)));
    if (r.exitCode() != 0) {
      throw new ExternalException(engine.command() + " " + step + " of " + build.image + " failed (exit "
          + r.exitCode() + "):\n" + r.tail());
    }
    return r;
  }

  /** A private auth file with the host's credentials, and the variable that points the engine at it. */
  private Map<String, String> credentialsEnvironment(Path work, String host) throws IOException {
    // the engine's own settings only: CI secrets stay out of it and out of RUN steps
    Map<String, String> env = new HashMap<>(ChildEnvironment.of(ChildEnvironment.Program.CONTAINER_ENGINE,
        build.environment, Map.of()));
    Optional<RegistryAccess.Credentials> credentials = build.access.credentials(host);
    if (credentials.isEmpty()) {
      return env;
    }
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.putObject("auths").putObject(host).put("auth", Base64.getEncoder().encodeToString(
        (credentials.get().user() + ":" + credentials.get().secret()).getBytes(StandardCharsets.UTF_8)));
    Path dir = Files.createDirectories(work.resolve("auth"));
    Path file = dir.resolve(engine == Build.Builder.DOCKER ? "config.json" : "auth.json");
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, new ObjectMapper().writeValueAsBytes(root));
    if (engine == Build.Builder.DOCKER) {
      env.put("DOCKER_CONFIG", dir.toString());
    } else {
      env.put("REGISTRY_AUTH_FILE", file.toString());
    }
    return env;
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless; the auth file in it was private
    }
  }
}
