package dev.ferry.core.promote;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.render.RenderDiff;
import java.util.List;
import java.util.Map;

/**
 * What a promotion would change: per file of the environment repository, the diff; with
 * {@code render: true} the diff of the rendered manifests; and any reasons the policy refuses it.
 *
 * @param environment the target environment
 * @param repo the repository's name in ferry.yaml
 * @param url the repository URL, without credentials
 * @param branch the branch
 * @param base the branch head the plan was made against
 * @param images service → image as it will be written (digest pinned when resolved)
 * @param files the files that change, in order
 * @param refusals why the policy refuses it; empty when it may go ahead
 * @param render the rendered diff, or null without {@code render: true}
 */
public record Plan(
    String environment,
    String repo,
    String url,
    String branch,
    String base,
    Map<String, ImageRef> images,
    List<FileChangePlan> files,
    List<String> refusals,
    RenderDiff render) {

  /**
   * One file: the services whose images it holds, those whose image changes, and its unified diff.
   */
  public record FileChangePlan(String path, List<String> services, List<String> changedServices,
      @JsonIgnore String before, @JsonIgnore String after, String diff) {
    public boolean changed() {
      return before != after && !before.equals(after);
    }
  }

  /** The services whose image changes: what the commit's trailers record. */
  public List<String> changedServices() {
    return files.stream().flatMap(f -> f.changedServices().stream()).toList();
  }

  /** Whether applying this plan changes anything. */
  public boolean changesSomething() {
    return files.stream().anyMatch(FileChangePlan::changed);
  }
}
