package dev.ferry.cli;

import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.Promoter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry release}: lifts the block of a rolled-back image. */
@Command(name = "release", mixinStandardHelpOptions = true,
    description = "Lift the block of an image that was rolled back in an environment, so it may be promoted there again.")
public final class ReleaseCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String env;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Parameters(index = "1", paramLabel = "IMAGE", description = "The blocked image (by digest or as recorded).")
  String image;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      String commit = promoter.release(env, ServiceImages.service(service), ImageRef.parse(image), promoter.context().user());
      console.result(Results.release(env, service, image, commit),
          "Released " + service + " " + image + " in " + env + ".");
      return 0;
    }
  }
}
