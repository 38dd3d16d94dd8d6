package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.promote.PromoterContext;
import dev.ferry.core.promote.ImageResolver;
import dev.ferry.serve.Dashboard;
import dev.ferry.serve.ServeOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry serve}: the web dashboard, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a dashboard of services by environments, with promote, roll back and release.",
        "Reads git every --refresh and on a push webhook (POST /hooks/git); acts through the same engine as the CLI."})
public final class ServeCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "The address to listen on (default: ${DEFAULT-VALUE}); anything but loopback needs --trusted-proxy or --tokens.")
  String bind;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "The port (default: ${DEFAULT-VALUE}; 0 for any free one).")
  int port;

  @Option(names = "--refresh", defaultValue = "30s", paramLabel = "DURATION", description = "How often to fetch (default: ${DEFAULT-VALUE}).")
  String refresh;

  @Option(names = "--read-only", description = "Show, never act.")
  boolean readOnly;

  @Option(names = "--trusted-proxy", paramLabel = "ADDR",
      description = "A reverse proxy (IP address) whose X-Auth-Request-User / X-Forwarded-User header names the user; repeatable.")
  List<String> proxies = new ArrayList<>();

  @Option(names = "--tokens", paramLabel = "FILE", description = "Bearer tokens, one 'NAME TOKEN' per line.")
  Path tokens;

  @Option(names = "--webhook-secret-env", paramLabel = "NAME",
      description = "The environment variable holding the push webhook's secret (GitHub, Gitea signature; GitLab token).")
  String webhookSecretEnv;

  @Option(names = "--no-resolve", description = "Do not ask the registry for digests; write references as given.")
  boolean noResolve;

  @Override
  public Integer call() throws Exception {
    Console console = Console.of(spec.commandLine());
    FerryConfig loaded = config.load();
    ServeOptions options = options(bind, port, DurationOption.parse("--refresh", refresh), readOnly, proxies, tokens,
        webhookSecretEnv);
    boolean resolve = !noResolve;
    try (Dashboard dashboard = start(loaded, listener -> config.promoter(loaded, resolve, listener), options)) {
      return serve(console, dashboard);
    }
  }

  static Dashboard start(FerryConfig config, dev.ferry.serve.PromoterFactory promoters, ServeOptions options)
      throws java.io.IOException {
    try {
      return Dashboard.start(config, promoters, options);
    } catch (java.net.BindException e) {
      throw new InputException("cannot listen on " + options.bind().getHostAddress() + ":" + options.port() + ": "
          + e.getMessage() + "; give another --port (or --port 0 for any free one)");
    }
  }

  static ServeOptions options(String bind, int port, Duration refresh, boolean readOnly, List<String> proxies, Path tokens,
      String webhookSecretEnv) {
    if (port < 0 || port > 65535) {
      throw new InputException("--port must be 0 to 65535, not " + port);
    }
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InputException("--refresh must be at least 1s");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new InputException("--bind '" + bind + "' is not an address of this machine");
    }
    String secret = null;
    if (webhookSecretEnv != null) {
      secret = System.getenv(webhookSecretEnv);
      if (secret == null || secret.isEmpty()) {
        throw new InputException("--webhook-secret-env names " + webhookSecretEnv + ", which is not set");
      }
    }
    String user = PromoterContext.defaults(ImageResolver.AS_GIVEN, null).user();
    return new ServeOptions(address, port, refresh, readOnly, proxies, tokens, secret, user);
  }

  /** Prints the URL and serves until the process is interrupted. */
  static int serve(Console console, Dashboard dashboard) throws InterruptedException {
    // the JVM's shutdown (SIGTERM, Ctrl-C) stops the server in its hook, which then halts: other
    // hooks (JGit's among them) may wait on work a stopped server no longer needs. This thread never
    // returns to call System.exit, which blocks for ever while the shutdown hooks run.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Thread closing = new Thread(dashboard::close, "ferry-serve-close");
      closing.setDaemon(true);
      closing.start();
      try {
        closing.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(0);
    }, "ferry-serve-stop"));
    console.result(java.util.Map.of("url", dashboard.url()), "Serving " + dashboard.url() + " (Ctrl-C stops)");
    console.out().flush();
    new CountDownLatch(1).await();
    return 0;
  }
}
