package dev.ferry.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (Debian's chromium, headless, driven by chromedriver through Selenium) on the
 * dashboard over a real environment repository behind git daemon. Elements are found by their role
 * and accessible name or label, as a screen reader finds them. Screenshots go to
 * target/screenshots for a person to look at.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  @TempDir
  static Path dir;

  static ShopRepo shop;
  static Dashboard dashboard;
  static WebDriver browser;
  static final Path SHOTS = Path.of("target", "screenshots");

  @BeforeAll
  static void start() throws IOException {
    shop = ShopRepo.start(dir, null);
    // loopback with nothing configured: whoever reaches the port acts as the local user, here alice
    dashboard = Dashboard.start(shop.config, shop.promoters(), ServeOptions.loopback(0, "alice"));
    Files.createDirectories(SHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1300,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (shop != null) {
      shop.close();
    }
  }

  @Test
  @Order(1)
  void matrixShowsEveryServiceInEveryEnvironmentWithTheBlock() {
    browser.get(dashboard.url());
    screenshot("1-matrix");
    WebElement matrix = named("table", "Services by environment");
    assertThat(columnHeaders(matrix)).containsExactly("Service", "dev", "staging", "prodapproval");
    assertThat(row(matrix, "web")).containsExactly("web", "1.5.0 e3e3e3e3", "1.4.2 4f4f4f4f", "1.0.0");
    assertThat(cell(matrix, "web", 1)).contains("verified").contains("promote to staging");
    assertThat(cell(matrix, "web", 2)).contains("verified").contains("1.5.0 blocked");
    assertThat(cell(matrix, "web", 3)).contains(Board.OUTSIDE).contains("awaiting approval: 1.4.2");
    WebElement blocks = named("table", "Blocked versions");
    assertThat(blocks.getText()).contains("staging web 1.5.0 error rate 27% after the release");
  }

  @Test
  @Order(2)
  void filterHidesOtherServicesAsOneTypesAndOnTheServer() {
    browser.get(dashboard.url());
    WebElement filter = labelled("Filter by name or image");
    filter.sendKeys("api");
    WebElement matrix = named("table", "Services by environment");
    assertThat(visibleRowNames(matrix)).containsExactly("api");
    screenshot("2-matrix-filtered");
    button("Filter").click();
    assertThat(browser.getCurrentUrl()).endsWith("/?q=api&state=");
    assertThat(visibleRowNames(named("table", "Services by environment"))).containsExactly("api");
    assertThat(browser.findElement(By.cssSelector("p.summary")).getText()).startsWith("1 of 2 services");
  }

  @Test
  @Order(3)
  void servicePageShowsTheTimelineWithWhoAndTheGateEvidence() {
    browser.get(dashboard.url());
    link("web").click();
    screenshot("3-service-web");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("web");
    String timeline = named("table", "Timeline").getText();
    assertThat(timeline).contains("blocked").contains("error rate 27% after the release")
        .contains("rollback").contains("ci").contains("verified").contains("CI build");
    assertThat(browser.findElements(By.linkText("CI build"))).extracting(a -> a.getAttribute("href"))
        .containsExactly("https://ci.example.com/job/shop/42/", "https://ci.example.com/job/shop/41/");
  }

  @Test
  @Order(4)
  void aRefusedPromotionShowsThePolicysReasonAndNoButton() {
    browser.get(dashboard.url());
    link("promote web 1.5.0 from dev to staging").click();
    screenshot("4-promote-refused");
    WebElement reasons = named("ul", "Why the policy refuses it");
    assertThat(reasons.getAttribute("role")).isEqualTo("alert");
    assertThat(reasons.getText()).contains("is blocked in 'staging'").contains("error rate 27% after the release");
    assertThat(browser.findElements(By.tagName("button"))).isEmpty();
  }

  @Test
  @Order(5)
  void promoteToProdWithApprovalShowsThePlanThenLandsInGit() throws IOException {
    browser.get(dashboard.url());
    link("promote web 1.4.2 from staging to prod").click();
    screenshot("5-promote-plan");
    assertThat(browser.findElement(By.cssSelector(".policy")).getText()).contains("allows this promotion");
    assertThat(named("pre", "diff of envs/prod/web/values.yaml").getText())
        .contains("-  tag: \"1.0.0\"").contains("+  tag: \"1.4.2@sha256:4f4f");
    labelled("I, alice, approve this promotion to prod").click();
    button("Promote").click();
    String outcome = awaitOutcome();
    screenshot("6-promote-done");
    assertThat(outcome).isEqualTo("Done");
    assertThat(browser.findElement(By.cssSelector("pre.outcome")).getText()).isEqualTo("Promoted web 1.4.2 to prod.");

    link("Back to the matrix").click();
    WebElement matrix = named("table", "Services by environment");
    assertThat(cell(matrix, "web", 3)).contains("1.4.2").contains("pending").doesNotContain("awaiting approval");
    screenshot("7-matrix-after-promote");
    String log = shop.log();
    assertThat(log.lines().findFirst().orElseThrow()).endsWith("Promote web 1.4.2 to prod");
    assertThat(log).contains("Ferry-Promoted-By: alice").contains("Ferry-Approved-By: alice")
        .contains("Ferry-Approval-Source: ferry-serve");
  }

  @Test
  @Order(6)
  void releaseLiftsTheBlockAfterConfirmation() throws IOException {
    browser.get(dashboard.url());
    link("release web 1.5.0 in staging").click();
    screenshot("8-release-confirm");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Release web 1.5.0 in staging");
    button("Release").click();
    assertThat(awaitOutcome()).isEqualTo("Done");
    link("Back to the matrix").click();
    screenshot("9-matrix-after-release");
    assertThat(browser.findElement(By.id("blocks-h")).findElement(By.xpath("..")).getText())
        .contains("No version is blocked.");
    assertThat(dashboard.board().blocks()).isEmpty();
    assertThat(dev.ferry.testing.GitDaemon.Git.run(shop.bare, "notes", "--ref=ferry", "list")).isNotEmpty();
  }

  @Test
  @Order(7)
  void compareListsWhatDiffersAndShowsTheDiffOfPromotingOne() {
    browser.get(dashboard.url());
    link("Compare").click();
    assertThat(labelled("From").getAttribute("value")).isEqualTo("staging");
    assertThat(labelled("To").getAttribute("value")).isEqualTo("prod");
    WebElement differ = named("table", "Services that differ between staging and prod");
    assertThat(differ.findElements(By.cssSelector("tbody th")).stream().map(WebElement::getText).toList())
        .containsExactly("api");
    link("diff of promoting api").click();
    screenshot("10-compare-api");
    assertThat(named("pre", "diff of envs/prod/api/values.yaml").getText()).contains("+  tag: \"2.1.0@sha256:a7a7");
    assertThat(browser.findElement(By.cssSelector(".policy")).getText()).contains("'prod' requires approval");
  }

  // ------------------------------------------------------------ finding elements as a reader does

  private static String awaitOutcome() {
    try {
      // the page reloads itself when the stream of progress ends: elements go stale meanwhile
      new WebDriverWait(browser, Duration.ofSeconds(60)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(d -> {
        List<WebElement> s = d.findElements(By.id("job-state"));
        return !s.isEmpty() && !s.get(0).getText().startsWith("Running");
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      screenshot("timeout");
      throw new AssertionError("the action page did not end: " + browser.getPageSource(), e);
    }
    WebElement state = browser.findElement(By.id("job-state"));
    assertThat(state.getAttribute("role")).isEqualTo("status");
    return state.getText();
  }

  private static WebElement named(String tag, String name) {
    List<WebElement> found = browser.findElements(By.tagName(tag)).stream()
        .filter(e -> name.equals(e.getAccessibleName())).toList();
    assertThat(found).as("a %s named '%s'", tag, name).hasSize(1);
    return found.get(0);
  }

  private static WebElement link(String name) {
    return named("a", name);
  }

  private static WebElement button(String name) {
    return named("button", name);
  }

  private static WebElement labelled(String label) {
    WebElement l = browser.findElement(By.xpath("//label[normalize-space()=\"" + label + "\"]"));
    WebElement control = browser.findElement(By.id(l.getAttribute("for")));
    assertThat(control.getAccessibleName()).isEqualTo(label);
    return control;
  }

  private static List<String> columnHeaders(WebElement table) {
    return table.findElements(By.cssSelector("thead th")).stream().map(e -> e.getText().replace("\n", "")).toList();
  }

  private static List<String> row(WebElement table, String service) {
    WebElement tr = table.findElement(By.xpath(".//tbody/tr[th[normalize-space()='" + service + "']]"));
    return tr.findElements(By.xpath("./th|./td")).stream().map(e -> {
      String tag = e.findElements(By.cssSelector(".tag")).stream().map(WebElement::getText).findFirst().orElse("");
      String digest = e.findElements(By.cssSelector(".digest")).stream().map(WebElement::getText).findFirst().orElse("");
      return e.getTagName().equals("th") ? e.getText() : (tag + " " + digest).strip();
    }).toList();
  }

  private static String cell(WebElement table, String service, int column) {
    WebElement tr = table.findElement(By.xpath(".//tbody/tr[th[normalize-space()='" + service + "']]"));
    return tr.findElements(By.tagName("td")).get(column - 1).getText();
  }

  private static List<String> visibleRowNames(WebElement table) {
    return table.findElements(By.cssSelector("tbody tr")).stream().filter(WebElement::isDisplayed)
        .map(tr -> tr.findElement(By.tagName("th")).getText()).toList();
  }

  private static void screenshot(String name) {
    try {
      Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

}
