package dev.ferry.cli;

import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.core.notify.Notifier;
import dev.ferry.core.promote.ImageResolver;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromoterContext;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -c ferry.yaml}, and how commands that read it open a {@link Promoter}. */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, defaultValue = "ferry.yaml", paramLabel = "FILE",
      description = "The ferry.yaml to read (default: ${DEFAULT-VALUE}).")
  Path file;

  FerryConfig load() {
    return ConfigLoader.load(file);
  }

  /**
   * Opens a promoter whose events go to the console, gates as one line each; {@code resolveDigests}
   * false writes references as given ({@code --no-resolve}).
   */
  Promoter promoter(FerryConfig config, boolean resolveDigests, Console console) {
    PromoterContext context = context(config, resolveDigests, GateProgress.of(console));
    if (!config.notifications().isEmpty()) {
      Notifier notifier = new Notifier(config.notifications(), System.getenv(), console);
      console.notificationProblems(notifier::problems);
      context = context.withDeliveries(notifier);
    }
    Promoter promoter = new Promoter(config, context);
    console.mask(promoter.secrets());
    return promoter;
  }

  /**
   * The same, with events to {@code listener} (the dashboard gives each action its own); receivers'
   * problems go to that listener too.
   */
  Promoter promoter(FerryConfig config, boolean resolveDigests, dev.ferry.core.FerryListener listener) {
    PromoterContext context = context(config, resolveDigests, listener);
    if (!config.notifications().isEmpty()) {
      context = context.withDeliveries(new Notifier(config.notifications(), System.getenv(), listener));
    }
    return new Promoter(config, context);
  }

  private static PromoterContext context(FerryConfig config, boolean resolveDigests, dev.ferry.core.FerryListener listener) {
    Map<String, String> env = System.getenv();
    ImageResolver resolver = ImageResolver.AS_GIVEN;
    if (resolveDigests) {
      RegistryAccess access = RegistryAccess.fromEnvironment(env);
      for (var registry : config.registries().values()) {
        access = access.withHost(registry.host(), registry.insecure(),
            registry.usernameEnv() == null ? null : env.get(registry.usernameEnv()),
            registry.passwordEnv() == null ? null : env.get(registry.passwordEnv()));
      }
      resolver = ImageResolver.registry(new RegistryClient(access));
    }
    return PromoterContext.defaults(resolver, listener);
  }
}
