package dev.ferry.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run from which the build makes the AppCDS archive {@code ferry.jsa}: the commands a CI
 * pipeline calls many times ({@code --version}, {@code --help}, {@code environments},
 * {@code edit helm-image|kustomize-image|yaml}, with and without {@code --json}, and an error;
 * and, when {@code FERRY_CACHE} names a cache for it, {@code plan}, {@code promote},
 * {@code verify}, {@code status}, {@code history} and {@code doctor} against a local environment
 * repository, so that JGit, the state index and Jackson's records come from the archive too, and
 * the same promotions signed with an ssh key and checked against {@code git.trust}, so that the
 * signature code of Apache sshd and Bouncy Castle does too) in one JVM, on small files in a
 * temporary directory. Every class they load goes into the archive, where the next JVM finds it
 * parsed and verified; a class the archive lacks still loads from the jar, only slower.
 *
 * <pre>
 * java -XX:ArchiveClassesAtExit=ferry.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *     -cp ferry.jar dev.ferry.cli.ArchiveTraining
 * </pre>
 * Not a command: the build runs it (plugins/ferry-cli/pom.xml, execution cds-archive).
 */
final class ArchiveTraining {

  private ArchiveTraining() {
  }

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("ferry-archive-training");
    try {
      List<List<String>> runs = runs(dir);
      for (List<String> run : runs) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(run.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        boolean expectFailure = run.contains(dir.resolve("missing.yaml").toString());
        // the gates' run only loads the clients: its verdict is whatever the training API answers
        boolean anyVerdict = run.contains(GATES_ENV);
        if (!anyVerdict && (exit != 0) != expectFailure || anyVerdict && exit > 1) {
          throw new IllegalStateException("ferry " + String.join(" ", run) + " exited " + exit + ": " + err);
        }
      }
      System.out.println("ArchiveTraining: " + runs.size() + " runs");
      String classLog = System.getProperty("ferry.training.classLog");
      if (classLog != null) {
        refuseMultiReleaseClasses(Path.of(classLog));
      }
    } finally {
      if (api != null) {
        api.stop(0);
      }
      dev.ferry.core.FileTree.delete(dir);
    }
  }

  /**
   * Fails the build when the training loaded a class that the jar holds only in a version of its
   * own ({@code META-INF/versions/N/}, with no entry at its plain path, as Bouncy Castle's
   * {@code BC15EdDSAPublicKey}): once archived, such a class crashes the JDK 17 JVM (SIGSEGV in
   * {@code check_shared_class_file_load_hook}) as soon as it loads under a class-file hook, which
   * JFR and every {@code -javaagent} (an APM agent injected through {@code JAVA_TOOL_OPTIONS})
   * install: the JVM looks for the class file at the plain path to show it to the hook, and finds
   * none. {@code classLog} is this JVM's {@code -Xlog:class+load} file.
   */
  static void refuseMultiReleaseClasses(Path classLog) throws IOException {
    java.util.Set<String> versioned = new java.util.TreeSet<>();
    java.util.Set<String> plain = new java.util.HashSet<>();
    Path jar;
    try {
      jar = Path.of(ArchiveTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException("cannot find the jar of the training: " + e.getMessage(), e);
    }
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      java.util.regex.Pattern entry = java.util.regex.Pattern.compile("(META-INF/versions/(\\d+)/)?(.+)\\.class");
      zip.stream().forEach(e -> {
        java.util.regex.Matcher m = entry.matcher(e.getName());
        if (!m.matches()) {
          return;
        }
        String name = m.group(3).replace('/', '.');
        if (m.group(1) == null) {
          plain.add(name);
        } else if (Integer.parseInt(m.group(2)) <= Runtime.version().feature()) {
          versioned.add(name);
        }
      });
    }
    versioned.removeAll(plain);
    List<String> loaded = loadedClasses(Files.readAllLines(classLog)).stream().filter(versioned::contains).toList();
    if (!loaded.isEmpty()) {
      throw new IllegalStateException("the training loaded classes that ferry.jar holds only under META-INF/versions,"
          + " which must stay out of ferry.jsa (a JVM with JFR or a java agent crashes loading them from the archive): "
          + loaded + "; change ArchiveTraining so that it does not load them");
    }
  }

  /** The class names in the lines of a {@code -Xlog:class+load} file: {@code [..][info][class,load] NAME source: ...}. */
  static List<String> loadedClasses(List<String> lines) {
    final String tags = "[class,load] ";
    List<String> out = new java.util.ArrayList<>();
    for (String line : lines) {
      int tag = line.indexOf(tags);
      int end = line.indexOf(" source: ");
      if (tag >= 0 && end > tag) {
        out.add(line.substring(tag + tags.length(), end));
      }
    }
    return out;
  }

  /**
   * The start of both pipelines of the git runs: the repository at {@code %s}, web, dev, and staging
   * after dev; each appends its own environments or its {@code git} section.
   */
  private static final String PIPELINE = """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: registry.example.com/shop/web}
        environments:
          dev:
            repo: env
            targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}
          staging:
            repo: env
            after: dev
            targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}
        """;

  /** The environment of the training configuration whose gates read {@link #api}. */
  private static final String GATES_ENV = "gated";

  /**
   * A loopback stand-in for the APIs the gates read (Kubernetes with Argo CD and Argo Rollouts
   * objects, Prometheus, an HTTP probe), so that one verification loads the Kubernetes client,
   * its JSON binding and the JDK HTTP client into the archive: a gate's first call in a fresh
   * process is then not seconds of class loading. What it answers does not matter.
   */
  private static com.sun.net.httpserver.HttpServer api;

  private static String startApi() throws IOException {
    api = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      exchange.getRequestBody().readAllBytes();
      String body;
      if (path.endsWith("/applications/web")) {
        body = "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\",\"metadata\":{\"name\":\"web\","
            + "\"namespace\":\"training\",\"generation\":1},\"spec\":{\"source\":{\"repoURL\":\"env.git\"}},"
            + "\"status\":{\"sync\":{\"status\":\"Synced\",\"revision\":\"0000000000000000000000000000000000000000\"},"
            + "\"health\":{\"status\":\"Healthy\"}}}";
      } else if (path.endsWith("/rollouts/web")) {
        body = "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"web\","
            + "\"namespace\":\"training\",\"generation\":1},\"spec\":{\"template\":{\"spec\":{\"containers\":"
            + "[{\"name\":\"web\",\"image\":\"registry.example.com/shop/web:1.0.0\"}]}}},"
            + "\"status\":{\"observedGeneration\":\"1\",\"phase\":\"Healthy\",\"currentPodHash\":\"abc\"}}";
      } else if (path.endsWith("/deployments/web")) {
        body = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","
            + "\"namespace\":\"training\",\"generation\":1},\"spec\":{\"replicas\":1,\"template\":{\"spec\":"
            + "{\"containers\":[{\"name\":\"web\",\"image\":\"registry.example.com/shop/web:1.0.0\"}]}}},"
            + "\"status\":{\"observedGeneration\":1,\"replicas\":1,\"updatedReplicas\":1,\"availableReplicas\":1}}";
      } else if (path.endsWith("/analysisruns")) {
        body = "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"AnalysisRunList\",\"metadata\":{},\"items\":[]}";
      } else if (path.equals("/api/v1/query")) {
        body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{},\"value\":[1700000000,\"0.001\"]}]}}";
      } else {
        body = "{\"status\":\"ok\"}";
      }
      byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    api.start();
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  private static List<List<String>> runs(Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: env.git, branch: main}
        services:
          web: {image: registry.example.com/shop/web}
          api: {image: registry.example.com/shop/api}
        environments:
          dev:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
              api: {kustomize: "envs/{env}/api"}
          prod:
            repo: env
            after: dev
            targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}
            gates:
              - http: {url: "http://127.0.0.1:8080/healthz", jsonPath: status, equals: ok}
            gateTimeout: 20s
            rollback: auto
            approval: required
            approvers: [alice]
        """);
    Path values = Files.writeString(dir.resolve("values.yaml"), """
        # web: values for the chart
        replicaCount: 1   # prod runs three
        image:
          repository: registry.example.com/shop/web
          tag: "1.0.0"    # promoted by ferry
        """);
    Path kustomize = Files.createDirectories(dir.resolve("api"));
    Files.writeString(kustomize.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [deployment.yaml]
        images:
          - name: registry.example.com/shop/api
            newTag: 2.0.0
        """);
    Path deployment = Files.writeString(dir.resolve("deployment.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: web
                  image: registry.example.com/shop/web:1.0.0
        """);
    String digest = "@sha256:" + "3b1f7e0c9a4d2e6f".repeat(4);
    List<List<String>> runs = new java.util.ArrayList<>(cheapRuns(dir, config, values, kustomize, deployment, digest));
    String cache = System.getenv("FERRY_CACHE");
    // the git runs write into the cache: only into one made for the training, never a user's
    if (cache != null && Path.of(cache).toAbsolutePath().startsWith(Path.of("").toAbsolutePath())) {
      runs.addAll(gitRuns(dir, digest));
      runs.addAll(signedRuns(dir, digest));
    }
    return runs;
  }

  /**
   * A pipeline that signs with an ssh key and trusts only that key (git.signing, git.trust), as a
   * platform that guards its environment branches runs: without these runs a signed promotion
   * loaded about 1,100 classes of sshd and Bouncy Castle from the jar, a third of a second. The key
   * is made by {@code ssh-keygen}; without one on the PATH the archive goes without them. An ecdsa
   * key, not ed25519: Bouncy Castle's ed25519 keys are classes that must stay out of the archive
   * ({@link #refuseMultiReleaseClasses}); an ed25519 key loads them from the jar.
   */
  private static List<List<String>> signedRuns(Path dir, String digest) throws IOException {
    Path keygen = onPath("ssh-keygen");
    if (keygen == null) {
      System.out.println("ArchiveTraining: no ssh-keygen on the PATH, so no signed promotions in the archive");
      return List.of();
    }
    Path key = dir.resolve("training_ecdsa");
    ProcessBuilder pb = new ProcessBuilder(keygen.toString(), "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "ferry-training",
        "-f", key.toString()).redirectErrorStream(true);
    pb.environment().keySet().retainAll(List.of("PATH", "HOME"));
    Process p = pb.start();
    String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("ssh-keygen exited " + p.exitValue() + ": " + said.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the training key", e);
    }
    Path allowed = Files.writeString(dir.resolve("allowed_signers"),
        "ferry@localhost,training@localhost " + Files.readString(Path.of(key + ".pub")).strip() + "\n");
    Path bare = bareRepo(dir, "signed");
    Path config = Files.writeString(dir.resolve("signed.yaml"), PIPELINE.formatted(slashes(bare)) + """
        git:
          signing: {format: ssh, keyFile: "%s"}
          trust: {allowedSigners: "%s"}
        """.formatted(slashes(key), slashes(allowed)));
    String c = config.toString();
    String image = "registry.example.com/shop/web:1.1.0" + digest;
    return List.of(
        List.of("promote", "-c", c, "web=" + image, "--to", "dev", "--no-resolve", "--json"),
        List.of("verify", "-c", c, "--env", "dev", "--json"),
        List.of("promote", "-c", c, "web=" + image, "--to", "staging", "--no-resolve", "--json"),
        List.of("status", "-c", c, "--json"));
  }

  private static String slashes(Path p) {
    return p.toString().replace("\\", "/");
  }

  /** The executable {@code name} in a folder of the PATH, or null. */
  private static Path onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name);
      }
    }
    return null;
  }

  /** A bare repository {@code <name>.git} in {@code dir}, seeded with web's values in dev and staging by JGit. */
  private static Path bareRepo(Path dir, String name) throws IOException {
    Path work = dir.resolve(name + "-work");
    Path bare = dir.resolve(name + ".git");
    Files.createDirectories(work.resolve("envs/dev/web"));
    Files.createDirectories(work.resolve("envs/staging/web"));
    String values = "image:\n  repository: registry.example.com/shop/web\n  tag: \"1.0.0\"\n";
    Files.writeString(work.resolve("envs/dev/web/values.yaml"), values);
    Files.writeString(work.resolve("envs/staging/web/values.yaml"), values);
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(work.toFile())
        .setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("seed").setAuthor("Training", "training@localhost")
          .setCommitter("Training", "training@localhost").setSign(false).call();
    } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
      throw new IOException("cannot make the training repository: " + e.getMessage(), e);
    }
    try (org.eclipse.jgit.api.Git ignored = org.eclipse.jgit.api.Git.cloneRepository().setBare(true)
        .setURI(work.toUri().toString()).setDirectory(bare.toFile()).call()) {
      // a bare copy to push to
    } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
      throw new IOException("cannot make the training repository: " + e.getMessage(), e);
    }
    return bare;
  }

  /** A pipeline's commands against a bare repository made here with JGit. */
  private static List<List<String>> gitRuns(Path dir, String digest) throws IOException {
    Path bare = bareRepo(dir, "env");
    String url = startApi();
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        current-context: training
        clusters: [{name: training, cluster: {server: "%s"}}]
        users: [{name: training, user: {token: training}}]
        contexts: [{name: training, context: {cluster: training, user: training}}]
        """.formatted(url));
    Path config = Files.writeString(dir.resolve("pipeline.yaml"), PIPELINE.formatted(slashes(bare)) + """
          %s:
            repo: env
            targets: {"*": {helm: "envs/dev/{service}/values.yaml"}}
            gates:
              - argocd: {kubeconfig: "%s", namespace: training, app: web}
              - rollout: {kubeconfig: "%s", namespace: training, name: web}
              - deployment: {kubeconfig: "%s", namespace: training, name: web}
              - prometheus: {url: "%s", query: "up", below: 0.01}
              - http: {url: "%s/healthz", jsonPath: status, equals: ok}
        """.formatted(GATES_ENV, kubeconfig, kubeconfig, kubeconfig, url, url));
    String c = config.toString();
    String image = "registry.example.com/shop/web:1.1.0" + digest;
    return List.of(
        List.of("plan", "-c", c, "web=" + image, "--to", "dev", "--no-resolve"),
        List.of("promote", "-c", c, "web=" + image, "--to", "dev", "--no-resolve", "--json"),
        List.of("verify", "-c", c, "--env", "dev", "--json"),
        List.of("verify", "-c", c, "--env", GATES_ENV, "--timeout", "2s", "--json"),
        List.of("promote", "-c", c, "web=" + image, "--to", "staging", "--no-resolve"),
        List.of("status", "-c", c),
        List.of("status", "-c", c, "--json"),
        List.of("plan", "-c", c, "web=" + image, "--to", "staging", "--no-resolve", "--json"),
        List.of("history", "-c", c),
        List.of("doctor", "-c", c, "--json"));
  }

  private static List<List<String>> cheapRuns(Path dir, Path config, Path values, Path kustomize, Path deployment,
      String digest) {
    return List.of(
        List.of("--version"),
        List.of("--help"),
        List.of("edit", "--help"),
        List.of("environments", "-c", config.toString()),
        List.of("environments", "-c", config.toString(), "--json"),
        List.of("environments", "-c", dir.resolve("missing.yaml").toString(), "--json"),
        List.of("edit", "helm-image", values.toString(), "registry.example.com/shop/web:1.1.0"),
        List.of("edit", "helm-image", values.toString(), "registry.example.com/shop/web:1.2.0" + digest, "--json"),
        List.of("edit", "kustomize-image", kustomize.toString(), "registry.example.com/shop/api:2.1.0"),
        List.of("edit", "kustomize-image", kustomize.toString(), "registry.example.com/shop/api:2.2.0", "--json"),
        List.of("edit", "yaml", deployment.toString(), "spec.template.spec.containers[0].image",
            "registry.example.com/shop/web:1.1.0", "--select", "kind=Deployment,name=web", "--json"));
  }
}
