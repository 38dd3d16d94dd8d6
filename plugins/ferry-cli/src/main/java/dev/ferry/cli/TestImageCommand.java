package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.image.test.ImageSpec;
import dev.ferry.image.test.ImageTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry test-image}: checks an image's metadata and files in the registry against a spec,
 * without running it. Exit 1 when a check fails.
 *
 * <pre>
 * ferry test-image --image registry.example.com/shop/web:1.4.2 --spec image-test.yaml --junit image-test.xml
 * </pre>
 */
@Command(name = "test-image", mixinStandardHelpOptions = true,
    description = "Check an image's user, ports, labels, entrypoint, env and files against a spec, read from the registry.")
final class TestImageCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;
  @Mixin
  CommonOptions common;

  @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "The image to test.")
  String image;
  @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The checks (YAML).")
  Path specFile;
  @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML: one test case per check.")
  Path junit;
  @Option(names = "--platform", paramLabel = "OS/ARCH", defaultValue = "linux/amd64",
      description = "Which image of a multi-platform index (default: linux/amd64).")
  String platform;
  @Option(names = "--insecure-registry", description = "The image's registry serves plain HTTP (also FERRY_INSECURE_REGISTRIES).")
  boolean insecure;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    ImageRef ref = ImageRef.parse(image);
    String[] p = platform.split("/");
    if (p.length != 2 || p[0].isBlank() || p[1].isBlank()) {
      throw new InputException("--platform '" + platform + "' is not of the form os/architecture, e.g. linux/arm64");
    }
    ImageSpec checks = ImageSpec.read(specFile);
    ImageTest.Result r = new ImageTest(new RegistryClient(ImageOptions.access(ref, insecure)))
        .image(ref)
        .spec(checks)
        .platform(p[0], p[1])
        .junit(junit)
        .listener(console)
        .call();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("image", r.image());
    json.put("passed", r.passed());
    json.put("checks", r.checks().stream().map(c -> Map.of("name", c.name(), "passed", c.passed(),
        "detail", c.detail())).toList());
    StringBuilder human = new StringBuilder();
    for (ImageTest.Check c : r.checks()) {
      human.append(c.passed() ? "PASS " : "FAIL ").append(c.name());
      if (!c.passed()) {
        human.append(": ").append(c.detail());
      }
      human.append('\n');
    }
    human.append(r.checks().size() - r.failed().size()).append(" of ").append(r.checks().size())
        .append(" checks passed\n");
    console.result(json, human.toString());
    if (!r.passed()) {
      console.say("ferry: " + r.failed().size() + " check(s) failed for " + r.image());
      return 1;
    }
    return 0;
  }
}
