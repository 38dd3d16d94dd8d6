package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.edit.AtomicFile;
import dev.ferry.core.edit.DocumentSelector;
import dev.ferry.core.edit.ImageTarget;
import dev.ferry.core.edit.Kustomization;
import dev.ferry.core.edit.YamlEditor;
import dev.ferry.core.edit.YamlPath;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.render.RenderProof;
import dev.ferry.core.render.Renderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry edit}: sets one value in a YAML file and leaves every other byte as it was.
 *
 * <pre>
 * ferry edit yaml deploy.yaml 'spec.template.spec.containers[0].image' web:1.4.2 --select kind=Deployment,name=web
 * ferry edit helm-image envs/dev/web/values.yaml registry.example.com/shop/web:1.4.2
 * ferry edit kustomize-image envs/dev/api registry.example.com/shop/api:2.1.0
 * </pre>
 */
@Command(
    name = "edit",
    description = "Set a value in a YAML file without disturbing the rest of it.",
    mixinStandardHelpOptions = true,
    subcommands = {EditCommand.Yaml.class, EditCommand.HelmImage.class, EditCommand.KustomizeImage.class})
public final class EditCommand implements Runnable {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: yaml, helm-image or kustomize-image");
  }

  /** {@code ferry edit yaml FILE PATH VALUE}. */
  @Command(name = "yaml", mixinStandardHelpOptions = true,
      description = "Set the scalar at PATH (a.b[0].c, [\"key.with.dots\"]) to VALUE, written as a string.")
  static final class Yaml implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The YAML file.")
    Path file;
    @Parameters(index = "1", paramLabel = "PATH", description = "Where the scalar is: a.b[0].c, keys with dots as [\"a.b\"].")
    String path;
    @Parameters(index = "2", paramLabel = "VALUE", description = "The new value.")
    String value;
    @Option(names = "--document", paramLabel = "N", description = "In a file of several documents, the one at N (from 0).")
    Integer document;
    @Option(names = "--select", paramLabel = "FIELD=VALUE,...",
        description = "In a file of several documents, the one whose kind, apiVersion, name or namespace match,"
            + " e.g. kind=Deployment,name=web.")
    String select;

    @Override
    public Integer call() {
      if (document != null && select != null) {
        throw new InputException("--document and --select choose the document in two ways; give one");
      }
      DocumentSelector docs = document != null ? DocumentSelector.index(document)
          : select != null ? DocumentSelector.parse(select) : DocumentSelector.single();
      YamlPath yamlPath = YamlPath.parse(path);
      String name = file.toString();
      String before = AtomicFile.read(file);
      Optional<String> old = YamlEditor.get(name, before, yamlPath, docs);
      String after = YamlEditor.set(name, before, yamlPath, value, docs);
      return report(spec, file, before, after, old.orElse(null), value, yamlPath.toString());
    }
  }

  /** {@code ferry edit helm-image VALUES_FILE IMAGE [--key KEY]}. */
  @Command(name = "helm-image", mixinStandardHelpOptions = true,
      description = "Set the image of a Helm values file: registry, repository, tag and digest as the file uses them,"
          + " or the single string KEY: repo:tag.")
  static final class HelmImage implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "VALUES_FILE", description = "The values file.")
    Path file;
    @Parameters(index = "1", paramLabel = "IMAGE", description = "repo:tag, repo@sha256:... or repo:tag@sha256:...")
    String image;
    @Option(names = "--key", paramLabel = "KEY",
        description = "The key that holds the image, a path such as web.image (default: image).")
    String key;
    @Option(names = "--all-of", paramLabel = "REPOSITORY",
        description = "Set the image in every key of the file that holds REPOSITORY (any tag), instead of one --key.")
    String allOf;
    @Option(names = "--chart", paramLabel = "DIR",
        description = "The chart the values belong to, to prove the edit by rendering it (default: the values file's"
            + " folder when it holds Chart.yaml).")
    Path chart;

    @Override
    public Integer call() {
      ImageRef ref = ImageRef.parse(image);
      if (allOf != null && key != null) {
        throw new InputException("--key and --all-of choose the keys in two ways; give one");
      }
      Path chartDir = chart != null ? chart : file.toAbsolutePath().getParent();
      boolean canRender = chartDir != null && Files.isRegularFile(chartDir.resolve("Chart.yaml"));
      if (chart != null && !canRender) {
        throw new InputException("--chart " + chart + " holds no Chart.yaml");
      }
      dev.ferry.core.edit.HelmImage.ShaForm sha = canRender ? dev.ferry.core.edit.HelmImage.ShaForm.of(chartDir) : null;
      String name = file.toString();
      String before = AtomicFile.read(file);
      List<YamlPath> keys = allOf == null ? List.of(YamlPath.parse(key == null ? "image" : key))
          : dev.ferry.core.edit.HelmImage.keysHolding(name, before, ImageRef.parse(allOf));
      if (keys.isEmpty()) {
        throw new InputException("no key of " + file + " holds an image of " + allOf, null,
            "check the repository name, or name the key with --key", null);
      }
      ImageTarget target = allOf == null ? new dev.ferry.core.edit.HelmImage(keys.get(0), sha)
          : new dev.ferry.core.edit.HelmImages(ImageRef.parse(allOf), sha);
      String old = target.read(name, before).map(ImageRef::toString).orElse(null);
      String after = target.write(name, before, ref);
      String where = String.join(", ", keys.stream().map(YamlPath::toString).toList());
      if (canRender && !after.equals(before)) {
        Console console = Console.of(spec.commandLine());
        RenderProof.proveHelm(new Renderer(), chartDir, file, after, Set.of(ref), file + " key " + where,
            warning -> console.on(FerryEvent.warn("render", warning)));
      }
      return report(spec, file, before, after, old, ref.toString(), where);
    }
  }

  /** {@code ferry edit kustomize-image DIR IMAGE [--name NAME]}. */
  @Command(name = "kustomize-image", mixinStandardHelpOptions = true,
      description = "Set an image of a kustomization as 'kustomize edit set image' does (newName, newTag, digest),"
          + " adding the images entry when missing.")
  static final class KustomizeImage implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory of the kustomization.")
    Path dir;
    @Parameters(index = "1", paramLabel = "IMAGE", description = "repo:tag, repo@sha256:... or repo:tag@sha256:...")
    String image;
    @Option(names = "--name", paramLabel = "NAME",
        description = "The images[].name to set: the image name the manifests use (default: IMAGE without tag and digest).")
    String name;

    @Override
    public Integer call() {
      ImageRef ref = ImageRef.parse(image);
      Path file = Kustomization.find(dir);
      String entry = name != null ? name : ref.name();
      ImageTarget target = ImageTarget.kustomize(entry);
      String fileName = file.toString();
      String before = AtomicFile.read(file);
      Optional<ImageRef> old = target.read(fileName, before);
      String after = target.write(fileName, before, ref);
      String where = "images[name=" + entry + "]";
      if (!after.equals(before)) {
        Console console = Console.of(spec.commandLine());
        RenderProof.proveKustomize(new Renderer(), dir, file, before, after, Set.of(ref), file + " " + where,
            warning -> console.on(FerryEvent.warn("render", warning)));
      }
      return report(spec, file, before, after, old.map(ImageRef::toString).orElse(null), ref.toString(), where);
    }
  }

  private static int report(CommandLine.Model.CommandSpec spec, Path file, String before, String after, String old,
      String now, String where) {
    boolean changed = AtomicFile.writeIfChanged(file, before, after);
    // a map, not an ObjectNode: without --json, no Jackson class is loaded
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("file", file.toString());
    json.put("changed", changed);
    json.put("old", old);
    json.put("new", now);
    String human = changed
        ? file + ": " + where + " " + (old == null ? "set to " : old + " -> ") + now
        : file + ": " + where + " already set to " + now + " (file left untouched)";
    Console.of(spec.commandLine()).result(json, human);
    return 0;
  }
}
