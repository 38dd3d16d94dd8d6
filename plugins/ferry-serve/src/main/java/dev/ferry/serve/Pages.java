package dev.ferry.serve;

import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.Plan;
import dev.ferry.core.promote.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's pages as server-rendered HTML. Every page works without script; ferry.js only
 * filters the matrix as one types and streams an action's progress. Pages name their regions and
 * controls (headings, labels, captions) so that a keyboard and a screen reader can use them.
 */
final class Pages {

  /** Who is looking, and what they may do. */
  record Viewer(String user, String csrf, boolean readOnly, java.util.function.Predicate<String> mayOperate) {
    boolean mayAct(String environment) {
      return !readOnly && user != null && mayOperate.test(environment);
    }
  }

  static final List<String> STATES = List.of(Status.VERIFIED, Status.PENDING, Status.FAILED, Status.BLOCKED,
      "awaiting approval", Board.OUTSIDE);

  private Pages() {
  }

  // ---------------------------------------------------------------- layout

  static String page(String title, Viewer viewer, String body) {
    Html h = new Html();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.element("title", title + " · Ferry");
    h.raw("<link rel=\"stylesheet\" href=\"/static/ferry.css\"><script src=\"/static/ferry.js\" defer></script></head><body>");
    h.raw("<header class=\"top\"><nav aria-label=\"Ferry\"><a class=\"brand\" href=\"/\">Ferry</a>"
        + " <a href=\"/\">Matrix</a> <a href=\"/compare\">Compare</a></nav>");
    if (viewer.user() != null) {
      h.open("p", "class", "who").text("Signed in as ").element("strong", viewer.user())
          .text(viewer.readOnly() ? " (read-only)" : "").close("p");
    }
    h.raw("</header><main>").raw(body).raw("</main></body></html>");
    return h.toString();
  }

  // ---------------------------------------------------------------- matrix

  /**
   * The matrix of services by environments. {@code interactive} false leaves out forms and action
   * links (the static report).
   */
  static String matrix(Board board, Viewer viewer, String query, String stateFilter, Instant now, boolean interactive) {
    String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
    Html h = new Html(new StringBuilder(256 * board.services().size() * Math.max(1, board.environments().size())));
    h.element("h1", "Services by environment");
    if (interactive) {
      h.open("form", "role", "search", "method", "get", "action", "/", "class", "filter", "aria-label", "Filter services");
      h.element("label", "Filter by name or image", "for", "q");
      h.raw("<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" value=\"").text(query).raw("\">");
      h.element("label", "State", "for", "state");
      h.open("select", "id", "state", "name", "state");
      h.element("option", "any state", "value", "");
      for (String s : STATES) {
        h.element("option", s, "value", s, "selected", s.equals(stateFilter) ? "selected" : null);
      }
      h.close("select").raw("<button type=\"submit\">Filter</button></form>");
    }
    List<String> envs = board.environments();
    int shown = 0;
    Html rows = new Html(new StringBuilder(200 * board.services().size() * Math.max(1, envs.size())));
    for (String service : board.services()) {
      String image = board.config().service(service).image().name();
      if (!q.isEmpty() && !service.toLowerCase(Locale.ROOT).contains(q) && !image.toLowerCase(Locale.ROOT).contains(q)) {
        continue;
      }
      if (stateFilter != null && !stateFilter.isEmpty() && !hasState(board, service, stateFilter)) {
        continue;
      }
      shown++;
      rows.open("tr", "data-filter", service.toLowerCase(Locale.ROOT) + " " + image.toLowerCase(Locale.ROOT));
      rows.open("th", "scope", "row");
      if (interactive) {
        rows.link("/services/" + Html.query(service), service);
      } else {
        rows.text(service);
      }
      rows.close("th");
      for (String env : envs) {
        cell(rows, board, viewer, service, env, now, interactive);
      }
      rows.close("tr");
    }
    h.open("p", "class", "summary", "role", "status").text(shown + " of " + board.services().size() + " services in "
        + envs.size() + " environments; read from git " + age(board.readAt(), now) + " ago").close("p");
    h.raw("<div class=\"matrix-wrap\"><table class=\"matrix\" aria-label=\"Services by environment\"><thead><tr>")
        .raw("<th scope=\"col\">Service</th>");
    for (String env : envs) {
      EnvironmentConfig e = board.config().environment(env);
      h.open("th", "scope", "col").text(env);
      if (e.approvalRequired()) {
        h.element("span", "approval", "class", "note");
      }
      h.close("th");
    }
    h.raw("</tr></thead><tbody>").raw(rows.toString()).raw("</tbody></table></div>");
    h.raw(blocks(board, viewer, interactive));
    return h.toString();
  }

  private static boolean hasState(Board board, String service, String state) {
    for (String env : board.environments()) {
      if ("awaiting approval".equals(state) ? board.awaitingApproval(service, env).isPresent()
          : board.cell(service, env).map(board::state).filter(state::equals).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private static void cell(Html h, Board board, Viewer viewer, String service, String env, Instant now, boolean interactive) {
    Optional<Status.Cell> found = board.cell(service, env);
    Optional<String> awaiting = board.awaitingApproval(service, env);
    if (found.isEmpty()) {
      h.open("td", "class", "empty");
      h.element("span", "not deployed", "class", "none");
    } else {
      Status.Cell c = found.get();
      String state = board.state(c);
      ImageRef image = board.image(service, env).orElseThrow();
      // no title with the full reference on each of thousands of cells: the service page has it
      h.open("td", "class", "s-" + state.replace(' ', '-'));
      h.element("span", image.tagValue().orElse("untagged"), "class", "tag");
      if (c.digest() != null) {
        h.raw(" ").element("code", shortDigest(c.digest()), "class", "digest");
      }
      if (c.since() != null) {
        h.raw(" ").element("span", age(c.since(), now), "class", "age");
      }
      h.raw(" ").element("span", state, "class", "badge");
      Optional<String> next = board.next(env);
      if (interactive && promotable(board, viewer, service, env, state)) {
        h.raw(" ").link("/promote?service=" + Html.query(service) + "&from=" + Html.query(env),
            "promote to " + next.get(), "class", "act", "aria-label", "promote " + service + " "
                + image.tagValue().orElse("") + " from " + env + " to " + next.get());
      }
    }
    for (Status.Block b : board.blocks(service, env)) {
      h.raw(" ").element("span", tag(b.image()) + " blocked", "class", "badge blocked", "title", b.reason());
    }
    awaiting.ifPresent(a -> h.raw(" ").element("span", "awaiting approval: " + ImageRef.parse(a).tagValue().orElse(a),
        "class", "badge awaiting"));
    h.close("td");
  }

  /** Verified here, and the next environment holds another version (or none): the page offers to move it on. */
  private static boolean promotable(Board board, Viewer viewer, String service, String env, String state) {
    Optional<String> next = board.next(env);
    if (next.isEmpty() || !Status.VERIFIED.equals(state) || !viewer.mayAct(next.get())) {
      return false;
    }
    ImageRef here = board.image(service, env).orElseThrow();
    return board.image(service, next.get()).map(n -> !n.sameVersion(here)).orElse(true);
  }

  private static String blocks(Board board, Viewer viewer, boolean interactive) {
    Html h = new Html();
    h.open("section", "aria-labelledby", "blocks-h").element("h2", "Blocked versions", "id", "blocks-h");
    if (board.blocks().isEmpty()) {
      h.element("p", "No version is blocked.");
    } else {
      h.raw("<table class=\"list\" aria-label=\"Blocked versions\"><thead><tr><th scope=\"col\">Environment</th>"
          + "<th scope=\"col\">Service</th><th scope=\"col\">Version</th><th scope=\"col\">Reason</th>"
          + "<th scope=\"col\">Since</th><th scope=\"col\">Action</th></tr></thead><tbody>");
      for (Status.Block b : board.blocks()) {
        h.open("tr").element("td", b.environment()).element("td", b.service())
            .element("td", ImageRef.parse(b.image()).tagValue().orElse(b.image()), "title", b.image())
            .element("td", b.reason()).element("td", when(b.at()), "class", "when").open("td");
        if (interactive && viewer.mayAct(b.environment())) {
          h.link("/release?service=" + Html.query(b.service()) + "&env=" + Html.query(b.environment())
              + "&image=" + Html.query(b.image()), "release", "class", "act",
              "aria-label", "release " + b.service() + " " + ImageRef.parse(b.image()).tagValue().orElse("") + " in " + b.environment());
        }
        h.close("td").close("tr");
      }
      h.raw("</tbody></table>");
    }
    return h.close("section").toString();
  }

  // ---------------------------------------------------------------- service

  static String service(Board board, Viewer viewer, String service, Instant now) {
    Html h = new Html();
    h.element("h1", service);
    h.element("p", board.config().service(service).image().name(), "class", "image-name");
    h.open("section", "aria-labelledby", "now-h").element("h2", "Where it runs", "id", "now-h");
    h.raw("<table class=\"list\" aria-label=\"Where it runs\"><thead><tr><th scope=\"col\">Environment</th>"
        + "<th scope=\"col\">Version</th><th scope=\"col\">State</th><th scope=\"col\">Since</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
    for (String env : board.environments()) {
      Optional<Status.Cell> c = board.cell(service, env);
      h.open("tr").element("th", env, "scope", "row");
      if (c.isEmpty()) {
        h.raw("<td colspan=\"3\">not deployed</td><td></td></tr>");
        continue;
      }
      String state = board.state(c.get());
      h.open("td").element("span", tag(c.get().image()), "class", "tag", "title", c.get().image());
      if (c.get().digest() != null) {
        h.raw(" ").element("code", shortDigest(c.get().digest()), "class", "digest");
      }
      h.close("td").open("td").element("span", state, "class", "badge s-" + state.replace(' ', '-'))
          .close("td").element("td", c.get().since() == null ? "" : age(c.get().since(), now) + " ago").open("td");
      Optional<String> next = board.next(env);
      if (promotable(board, viewer, service, env, state)) {
        h.link("/promote?service=" + Html.query(service) + "&from=" + Html.query(env), "promote to " + next.get(),
            "class", "act").raw(" ");
      }
      if (viewer.mayAct(env) && !Board.OUTSIDE.equals(state)) {
        h.link("/rollback?service=" + Html.query(service) + "&env=" + Html.query(env), "roll back", "class", "act",
            "aria-label", "roll back " + service + " in " + env).raw(" ");
      }
      for (Status.Block b : board.blocks()) {
        if (b.service().equals(service) && b.environment().equals(env) && viewer.mayAct(env)) {
          h.link("/release?service=" + Html.query(service) + "&env=" + Html.query(env) + "&image=" + Html.query(b.image()),
              "release " + ImageRef.parse(b.image()).tagValue().orElse(b.image()), "class", "act").raw(" ");
        }
      }
      h.close("td").close("tr");
    }
    h.raw("</tbody></table></section>");
    h.open("section", "aria-labelledby", "timeline-h").element("h2", "Timeline", "id", "timeline-h");
    List<Board.Event> events = board.timeline(service);
    if (events.isEmpty()) {
      h.element("p", "Nothing recorded yet.");
    } else {
      h.raw("<table class=\"list timeline\" aria-label=\"Timeline\"><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Environment</th>"
          + "<th scope=\"col\">What</th><th scope=\"col\">Version</th><th scope=\"col\">Who</th><th scope=\"col\">Through</th>"
          + "<th scope=\"col\">Commit</th></tr></thead><tbody>");
      for (Board.Event e : events) {
        h.open("tr", "class", "k-" + e.kind().replace(' ', '-'));
        h.element("td", when(e.at()), "class", "when").element("td", e.environment());
        h.open("td").text(e.kind());
        if (e.detail() != null && !e.kind().startsWith("promote")) {
          h.open("div", "class", "detail").text(e.detail()).close("div");
        }
        gates(h, e.gates());
        h.close("td");
        h.element("td", ImageRef.parse(e.image()).tagValue().orElse(e.image()), "title", e.image());
        h.open("td");
        if (e.by() != null) {
          h.text(e.by());
        }
        if (e.approvedBy() != null) {
          h.open("div").text("approved by " + e.approvedBy()).close("div");
        }
        h.close("td").open("td");
        sourceLink(h, e.source());
        h.close("td").open("td");
        if (e.commit() != null) {
          h.element("code", e.commit().substring(0, Math.min(12, e.commit().length())), "title", e.commit());
        }
        h.close("td").close("tr");
      }
      h.raw("</tbody></table>");
    }
    return h.close("section").toString();
  }

  private static void gates(Html h, List<Map<String, Object>> gates) {
    if (gates.isEmpty()) {
      return;
    }
    h.open("ul", "class", "gates", "aria-label", "gate evidence");
    for (Map<String, Object> g : gates) {
      h.open("li").element("strong", String.valueOf(g.getOrDefault("status", ""))).raw(" ")
          .text(String.valueOf(g.getOrDefault("name", g.getOrDefault("gate", "gate"))));
      Object reason = g.get("reason");
      if (reason != null) {
        h.text(": " + reason);
      }
      h.close("li");
    }
    h.close("ul");
  }

  /** A CI build URL becomes a link only when it is http(s): anything else is shown as text. */
  private static void sourceLink(Html h, String source) {
    if (source == null) {
      return;
    }
    if (source.startsWith("https://") || source.startsWith("http://")) {
      h.link(source, "CI build", "rel", "noreferrer", "title", source);
    } else {
      h.text(source);
    }
  }

  // ---------------------------------------------------------------- compare

  static String compare(Board board, String from, String to, String service, Plan plan) {
    Html h = new Html();
    h.element("h1", "Compare environments");
    h.open("form", "method", "get", "action", "/compare", "class", "filter", "aria-label", "Environments to compare");
    envSelect(h, board, "from", "From", from);
    envSelect(h, board, "to", "To", to);
    h.raw("<button type=\"submit\">Compare</button></form>");
    if (from == null || to == null) {
      return h.toString();
    }
    h.open("table", "class", "list", "aria-label", "Services that differ between " + from + " and " + to);
    h.open("thead").open("tr").element("th", "Service", "scope", "col").element("th", from, "scope", "col")
        .element("th", to, "scope", "col").element("th", "Diff", "scope", "col").close("tr").close("thead").open("tbody");
    int differ = 0;
    for (String s : board.services()) {
      Optional<Status.Cell> a = board.cell(s, from);
      Optional<Status.Cell> b = board.cell(s, to);
      boolean same = a.isPresent() && b.isPresent() && ImageRef.parse(a.get().image()).sameVersion(ImageRef.parse(b.get().image()));
      if (same || a.isEmpty()) {
        continue;
      }
      differ++;
      h.open("tr").element("th", s, "scope", "row").element("td", a.map(c -> tag(c.image())).orElse("-"))
          .element("td", b.map(c -> tag(c.image())).orElse("-")).open("td")
          .link("/compare?from=" + Html.query(from) + "&to=" + Html.query(to) + "&service=" + Html.query(s),
              "diff of promoting " + s, "class", "act")
          .close("td").close("tr");
    }
    h.close("tbody").close("table");
    h.element("p", differ == 0 ? "No service differs." : differ + " services differ.", "role", "status");
    if (plan != null) {
      h.element("h2", "Promoting " + service + " from " + from + " to " + to);
      planBody(h, plan);
    }
    return h.toString();
  }

  private static void envSelect(Html h, Board board, String name, String label, String selected) {
    h.element("label", label, "for", name).open("select", "id", name, "name", name);
    for (String env : board.environments()) {
      h.element("option", env, "value", env, "selected", env.equals(selected) ? "selected" : null);
    }
    h.close("select");
  }

  // ---------------------------------------------------------------- actions

  /** The plan of a promotion, with the confirmation form when the policy allows it. */
  static String promotePlan(Board board, Viewer viewer, String service, Plan plan, boolean canVerify) {
    Html h = new Html();
    ImageRef image = plan.images().get(service);
    h.element("h1", "Promote " + service + " " + tag(image.toString()) + " to " + plan.environment());
    planBody(h, plan);
    EnvironmentConfig env = board.config().environment(plan.environment());
    if (plan.refusals().isEmpty()) {
      h.open("form", "method", "post", "action", "/promote", "class", "confirm", "aria-label", "Confirm the promotion");
      hidden(h, Csrf.FIELD, viewer.csrf());
      hidden(h, "service", service);
      hidden(h, "image", image.toString());
      hidden(h, "to", plan.environment());
      hidden(h, "base", plan.base());
      if (env.approvalRequired()) {
        h.open("p").raw("<input type=\"checkbox\" id=\"approve\" name=\"approve\" value=\"yes\" required> ")
            .element("label", "I, " + viewer.user() + ", approve this promotion to " + plan.environment(), "for", "approve")
            .close("p");
      }
      if (canVerify) {
        h.open("p").raw("<input type=\"checkbox\" id=\"verify\" name=\"verify\" value=\"yes\"> ")
            .element("label", "Verify after promoting (run the gates of " + plan.environment() + ")", "for", "verify")
            .close("p");
      }
      boolean pr = env.mode() == dev.ferry.core.config.PromotionMode.PULL_REQUEST;
      h.element("button", pr ? "Open the pull request" : "Promote", "type", "submit");
      h.raw(" ").link("/services/" + Html.query(service), "Cancel");
      h.close("form");
    } else {
      h.open("p").link("/services/" + Html.query(service), "Back to " + service).close("p");
    }
    return h.toString();
  }

  private static void planBody(Html h, Plan plan) {
    h.open("section", "aria-labelledby", "policy-h", "class", "policy").element("h2", "Policy", "id", "policy-h");
    if (plan.refusals().isEmpty()) {
      h.element("p", "The policy of " + plan.environment() + " allows this promotion.", "class", "allowed");
    } else {
      h.element("p", "The policy of " + plan.environment() + " refuses this promotion:", "class", "refused");
      h.open("ul", "role", "alert", "aria-label", "Why the policy refuses it", "class", "refusals");
      plan.refusals().forEach(r -> h.element("li", r));
      h.close("ul");
    }
    h.close("section");
    h.open("section", "aria-labelledby", "diff-h").element("h2", "Changes to " + plan.repo() + " (" + plan.branch() + ")", "id", "diff-h");
    if (!plan.changesSomething()) {
      h.element("p", "Nothing changes: this version is already in place.");
    }
    for (Plan.FileChangePlan f : plan.files()) {
      if (f.changed()) {
        h.open("figure").element("figcaption", f.path());
        diff(h, f.diff(), "diff of " + f.path());
        h.close("figure");
      }
    }
    h.close("section");
    if (plan.render() != null) {
      h.open("section", "aria-labelledby", "render-h").element("h2", "Rendered manifests", "id", "render-h");
      diff(h, plan.render().unifiedDiff(), "rendered diff");
      h.close("section");
    }
  }

  private static void diff(Html h, String diff, String label) {
    h.open("pre", "class", "diff", "aria-label", label, "tabindex", "0");
    for (String line : diff.split("\n", -1)) {
      String cls = line.startsWith("+++") || line.startsWith("---") ? "h" : line.startsWith("+") ? "add"
          : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : null;
      if (cls == null) {
        h.text(line);
      } else {
        h.element("span", line, "class", cls);
      }
      h.raw("\n");
    }
    h.close("pre");
  }

  static String rollbackPlan(Viewer viewer, String service, String env, Status.Cell cell) {
    Html h = new Html();
    h.element("h1", "Roll back " + service + " in " + env);
    h.element("p", "Now: " + cell.image());
    h.element("p", "Ferry restores the image " + service + " had in " + env + " before this version was promoted, as a new"
        + " commit, and blocks " + tag(cell.image()) + " in " + env + " until it is released.");
    h.open("form", "method", "post", "action", "/rollback", "class", "confirm", "aria-label", "Confirm the rollback");
    hidden(h, Csrf.FIELD, viewer.csrf());
    hidden(h, "service", service);
    hidden(h, "env", env);
    h.open("p").element("label", "Reason", "for", "reason")
        .raw(" <input id=\"reason\" name=\"reason\" maxlength=\"300\" size=\"60\" required></p>");
    h.element("button", "Roll back", "type", "submit").raw(" ").link("/services/" + Html.query(service), "Cancel");
    return h.close("form").toString();
  }

  static String releasePlan(Viewer viewer, Status.Block block) {
    Html h = new Html();
    h.element("h1", "Release " + block.service() + " " + tag(block.image()) + " in " + block.environment());
    h.element("p", "Blocked since " + block.at() + ": " + block.reason());
    h.element("p", "Releasing lets " + block.image() + " be promoted to " + block.environment() + " again; it changes no file.");
    h.open("form", "method", "post", "action", "/release", "class", "confirm", "aria-label", "Confirm the release");
    hidden(h, Csrf.FIELD, viewer.csrf());
    hidden(h, "service", block.service());
    hidden(h, "env", block.environment());
    hidden(h, "image", block.image());
    h.element("button", "Release", "type", "submit").raw(" ").link("/", "Cancel");
    return h.close("form").toString();
  }

  static String job(Job job) {
    Html h = new Html();
    h.element("h1", job.title);
    Job.State state = job.state();
    h.open("p", "id", "job-state", "role", "status", "aria-live", "polite", "data-state", state.name().toLowerCase(Locale.ROOT),
        "data-events", state == Job.State.RUNNING ? "/jobs/" + job.id + "/events?from=" + job.lines().size() : null);
    h.text(switch (state) {
      case RUNNING -> "Running…";
      case DONE -> "Done";
      case REFUSED -> "Refused";
      case FAILED -> "Failed";
    }).close("p");
    h.open("section", "aria-labelledby", "progress-h").element("h2", "Progress", "id", "progress-h");
    h.open("ol", "id", "progress", "class", "progress", "aria-label", "Progress");
    job.lines().forEach(l -> h.element("li", l));
    h.close("ol").close("section");
    if (state != Job.State.RUNNING) {
      h.open("section", "aria-labelledby", "outcome-h").element("h2", "Outcome", "id", "outcome-h");
      h.element("pre", job.outcome(), "class", state == Job.State.DONE ? "outcome" : "outcome refused", "role",
          state == Job.State.DONE ? null : "alert");
      if (!job.facts().isEmpty()) {
        h.open("dl", "class", "facts");
        job.facts().forEach((k, v) -> h.element("dt", k).element("dd", v));
        h.close("dl");
      }
      job.links().forEach((text, href) -> h.open("p").link(href, text, "rel", "noreferrer").close("p"));
      h.close("section");
    } else {
      h.open("p", "class", "noscript").link("/jobs/" + job.id, "Reload to see how it ended").close("p");
    }
    h.open("p").link("/", "Back to the matrix").close("p");
    return h.toString();
  }

  static String problem(String title, String message) {
    Html h = new Html();
    h.element("h1", title);
    h.element("pre", message, "class", "outcome refused", "role", "alert");
    h.open("p").link("/", "Back to the matrix").close("p");
    return h.toString();
  }

  // ---------------------------------------------------------------- the static report

  /** The matrix and recent history as one self-contained file: its CSS inline, no script, no links out. */
  static String report(Board board, Instant now, String css) {
    Viewer nobody = new Viewer(null, null, true, e -> false);
    Html h = new Html();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.element("title", "Ferry report " + now);
    h.raw("<style>").raw(css.replace("</", "<\\/")).raw("</style></head><body><main>");
    h.raw(matrix(board, nobody, null, null, now, false));
    h.open("section", "aria-labelledby", "recent-h").element("h2", "Recent promotions and rollbacks", "id", "recent-h");
    h.raw("<table class=\"list\" aria-label=\"Recent promotions and rollbacks\"><thead><tr><th scope=\"col\">When</th>"
        + "<th scope=\"col\">Environment</th><th scope=\"col\">What</th><th scope=\"col\">Images</th>"
        + "<th scope=\"col\">Who</th><th scope=\"col\">Commit</th></tr></thead><tbody>");
    for (PromotionRecord p : board.recent(100)) {
      h.open("tr").element("td", when(p.time()), "class", "when").element("td", p.environment())
          .element("td", p.kind());
      StringBuilder images = new StringBuilder();
      p.images().forEach((s, i) -> images.append(images.length() == 0 ? "" : ", ").append(s).append(' ').append(tag(i)));
      h.element("td", images.toString());
      h.element("td", p.promotedBy() + (p.approvedBy() == null ? "" : ", approved by " + p.approvedBy()));
      h.open("td").element("code", p.commit().substring(0, 12), "title", p.commit()).close("td").close("tr");
    }
    h.raw("</tbody></table></section>");
    h.element("p", "Written by ferry report at " + now + " from git read at " + board.readAt() + ".", "class", "summary");
    return h.raw("</main></body></html>").toString();
  }

  // ---------------------------------------------------------------- small parts

  private static void hidden(Html h, String name, String value) {
    h.raw("<input type=\"hidden\" name=\"").text(name).raw("\" value=\"").text(value).raw("\">");
  }

  static String tag(String image) {
    ImageRef ref = ImageRef.parse(image);
    return ref.tagValue().orElse(ref.digestValue().map(Pages::shortDigest).orElse(image));
  }

  static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    String hex = colon < 0 ? digest : digest.substring(colon + 1);
    return hex.substring(0, Math.min(8, hex.length()));
  }

  /** {@code 2026-12-01 22:09:55Z}: to the second, which is what a person compares. */
  static String when(Instant at) {
    return at == null ? "" : at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ');
  }

  static String age(Instant since, Instant now) {
    long s = Math.max(0, Duration.between(since, now).getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    if (s < 172800) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
