package io.lifeboat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven through chromedriver. Screenshots of
 * each page go to {@code target/screenshots/} (kept as test artifacts, and used by docs/dashboard.md).
 */
@ExtendWith(PostgresExtension.class)
class DashboardBrowserTest {
    static final Path SHOTS = Paths.get("target", "screenshots");

    @TempDir
    Path tmp;

    WebDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        Files.createDirectories(SHOTS);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,900",
                "--user-data-dir=" + tmp.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Paths.get("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    /** Debian's chromium: the wrapper script in /usr/bin, or the binary behind it. */
    static String chromium() {
        for (String p : List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium")) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        throw new IllegalStateException(
                "Chromium is not installed: apt-get install chromium chromium-driver (scripts/test.sh does)");
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) browser.quit();
    }

    void shot(String name) throws IOException {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    WebDriverWait waitUpTo(int seconds) {
        // the progress box is replaced as events arrive: an element found just before may be gone
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(200));
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    void signIn(ServerHarness h, String token) {
        browser.get(h.base + "/ui/");
        assertThat(browser.getCurrentUrl()).contains("/ui/login");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
        waitUpTo(20).until(d -> d.getCurrentUrl().endsWith("/ui/"));
    }

    @Test
    void signInBackUpRestoreWithLiveProgressRefuseProductionWithoutItsNameAndShowDrills(TestDatabase db)
            throws Exception {
        try (ServerHarness h = ServerHarness.sqlite(tmp.resolve("server"), db.cluster())) {
            h.fill(db.name());
            ServerHarness.Setup s = h.setup(db.name(), "production");
            String copyDb = "lbui_" + Long.toHexString(System.nanoTime());
            try {
                // a wrong token is refused on the sign-in page
                browser.get(h.base + "/ui/login");
                browser.findElement(By.id("token")).sendKeys("lbt_not-a-token");
                browser.findElement(By.id("sign-in")).click();
                assertThat(browser.findElement(By.cssSelector(".alert.bad")).getText())
                        .contains("not valid");
                shot("01-sign-in-refused");

                signIn(h, h.adminToken);
                assertThat(browser.findElement(By.id("environments")).getText())
                        .contains("prod")
                        .contains("production");
                shot("02-overview");

                // back up now: htmx posts the form and swaps the backup list in place
                browser.findElement(By.linkText("prod")).click();
                browser.findElement(By.id("backup-now")).click();
                waitUpTo(30)
                        .until(d -> !d.findElements(By.cssSelector("#backup-list tbody tr"))
                                .isEmpty());
                // the list is the server's: reload until the job has completed
                waitUpTo(180).until(d -> {
                    d.navigate().refresh();
                    return d.findElement(By.id("backup-list")).getText().contains("completed");
                });
                shot("03-environment-backups");

                // a restore over production without its typed name is refused, and nothing is queued
                browser.findElement(By.linkText("Restore…")).click();
                assertThat(browser.findElement(By.id("target-notes")).getText()).contains("production");
                shot("04-restore-wizard");
                browser.findElement(By.id("start-restore")).click();
                assertThat(browser.findElement(By.id("wizard-error")).getText()).contains("type its name");
                shot("05-production-refused");
                assertThat(h.ok("GET", "/api/v1/restores", h.adminToken, null).path("items"))
                        .isEmpty();

                // into a new environment: the progress page follows the event stream to the end
                browser.findElement(By.cssSelector("input[name=mode][value=new]"))
                        .click();
                browser.findElement(By.id("new-name")).sendKeys(copyDb);
                browser.findElement(By.id("start-restore")).click();
                waitUpTo(20).until(d -> d.getCurrentUrl().matches(".*/ui/restores/[0-9a-f-]{36}$"));
                ((JavascriptExecutor) browser).executeScript("window.lifeboatNoReload = true;");
                waitUpTo(240)
                        .until(d -> List.of("completed", "failed", "cancelled")
                                .contains(d.findElement(By.id("progress")).getAttribute("data-status")));
                // the last update is in: every step done, or the failure shown
                waitUpTo(30)
                        .until(d -> !d.findElement(By.id("live"))
                                .findElement(By.className("while-running"))
                                .isDisplayed());
                shot("06-restore-completed");
                assertThat(browser.findElement(By.id("restore-status")).getText())
                        .as(browser.findElement(By.id("progress")).getText())
                        .isEqualTo("completed");
                // the page was updated in place from the stream, not reloaded
                assertThat(((JavascriptExecutor) browser).executeScript("return window.lifeboatNoReload === true"))
                        .isEqualTo(true);
                for (WebElement step : browser.findElements(By.cssSelector("ol.steps li"))) {
                    assertThat(step.getAttribute("class")).as(step.getText()).isEqualTo("done");
                }
                assertThat(db.cluster().databases()).contains(copyDb);

                // the history names the restore
                browser.get(h.base + "/ui/restores");
                assertThat(browser.findElement(By.cssSelector(".restore-list")).getText())
                        .contains(copyDb)
                        .contains("completed");

                // drills: run one from the environment page and read its evidence
                browser.get(h.base + "/ui/environments/" + s.env());
                browser.findElement(By.id("drill-now")).click();
                waitUpTo(240).until(d -> {
                    d.navigate().refresh();
                    List<WebElement> st = d.findElements(By.cssSelector("#drills .drill-list .status"));
                    return !st.isEmpty()
                            && List.of("passed", "failed").contains(st.get(0).getText());
                });
                browser.get(h.base + "/ui/drills");
                assertThat(browser.findElement(By.cssSelector(".drill-list")).getText())
                        .contains("passed");
                assertThat(browser.findElements(By.cssSelector("svg.chart"))).hasSize(1);
                shot("07-drills");
                browser.findElement(By.cssSelector(".drill-list a")).click();
                assertThat(browser.findElement(By.id("drill-status")).getText()).isEqualTo("passed");
                assertThat(browser.findElement(By.id("drill-rto")).getText()).isNotEmpty();
                shot("08-drill-evidence");

                // the audit log and its chain
                browser.get(h.base + "/ui/audit");
                assertThat(browser.findElement(By.id("audit-verify")).getText()).contains("intact");
                assertThat(browser.findElement(By.id("audit")).getText())
                        .contains("restore.request")
                        .contains("session.open");
                shot("09-audit");

                // a phone's width: the overview still fits, tables scroll inside their box
                browser.manage().window().setSize(new Dimension(390, 844));
                browser.get(h.base + "/ui/");
                Object overflow = ((JavascriptExecutor) browser)
                        .executeScript("return document.documentElement.scrollWidth > window.innerWidth + 1");
                assertThat(overflow).isEqualTo(false);
                shot("10-overview-phone");
            } finally {
                h.drop(copyDb);
            }
            JsonNode restores = h.ok("GET", "/api/v1/restores", h.adminToken, null);
            assertThat(restores.path("items")).hasSize(1);
        }
    }
}
