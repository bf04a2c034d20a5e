package io.pgsidecar.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.OneReplicaSuiteIT;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser (Debian's Chromium, headless, driven by its chromedriver): a wrong
 * token is refused, a login shows the top statements of a known workload, a statement's link leads to
 * its plan and sparklines, a silence added in the form is listed and audited, and logging out ends the
 * session in the browser. Around that, over plain HTTP: the cookie's flags, the security headers, the
 * CSRF check, no token in any page, and each page's weight. A screenshot of each page is kept under
 * {@code target/screenshots}.
 */
@QuarkusTest
@TestProfile(OneReplicaSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "replicaJson", value = OneReplicaSuiteIT.REPLICAS),
        @ResourceArg(name = "sql", value = OneReplicaSuiteIT.SQL)})
class StatusPageIT {

    static final Path SHOTS = Path.of("target/screenshots");
    static final String TOKEN = "test-token";
    static final int MAX_PAGE_BYTES = 100 * 1024;
    static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    @Inject
    StatementsPoller statements;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void aPersonLogsInReadsTheWorkloadSilencesAnAlertAndLogsOut() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(TOKEN)
                .get("/api/v1/admin/database/health").jsonPath().getBoolean("data.migrations.done"));
        String queryid = workload();
        Files.createDirectories(SHOTS);
        String root = base.toString().replaceAll("/$", "");

        WebDriver browser = chromium();
        try {
            browser.get(root + "/");
            assertThat(browser.getCurrentUrl()).as("without a session the page asks for the token").endsWith("/ui/login");
            browser.findElement(By.id("token")).sendKeys("not-the-token");
            submit(browser, By.id("login"));
            assertThat(browser.findElement(By.id("message")).getText()).contains("not the admin token");
            assertThat(browser.manage().getCookieNamed(PageSessions.COOKIE)).as("no session for a wrong token").isNull();
            shot(browser, "login-refused");

            browser.findElement(By.id("token")).sendKeys(TOKEN);
            submit(browser, By.id("login"));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
            assertThat(browser.getPageSource()).contains("Collectors").contains("This agent");
            shot(browser, "overview");

            browser.get(root + "/ui/statements");
            WebElement link = browser.findElement(By.linkText(queryid));
            WebElement row = link.findElement(By.xpath("./ancestor::tr"));
            assertThat(row.getText()).contains("page_items");
            shot(browser, "statements");
            link.click();
            new WebDriverWait(browser, WAIT).until(d -> gone(link));
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.tagName("footer")));
            String statement = browser.getPageSource();
            assertThat(statement).contains("page_items").contains("Generic plan").contains("Scan");
            List<WebElement> lines = browser.findElements(By.cssSelector("svg.spark polyline"));
            assertThat(lines).as("sparklines of the history").hasSize(2);
            String[] points = lines.get(1).getAttribute("points").split(" ");
            assertThat(Double.parseDouble(points[points.length - 1].split(",")[1]))
                    .as("calls grew from interval to interval: the line rises to the right (oldest first)")
                    .isLessThan(Double.parseDouble(points[0].split(",")[1]));
            shot(browser, "statement");

            browser.get(root + "/ui/alerts");
            browser.findElement(By.id("silence-value")).sendKeys("SlowQuery");
            browser.findElement(By.id("silence-duration")).clear();
            browser.findElement(By.id("silence-duration")).sendKeys("30m");
            browser.findElement(By.id("silence-comment")).sendKeys("deploying from the status page");
            submit(browser, By.id("silence-add"));
            assertThat(browser.findElement(By.id("message")).getText()).startsWith("Silence ").contains("added; it ends in 30.0 min");
            assertThat(browser.getPageSource()).contains("alertname=SlowQuery").contains("deploying from the status page");
            shot(browser, "alerts");

            browser.get(root + "/ui/activity");
            assertThat(browser.findElements(By.cssSelector("svg.stack rect"))).as("the waits chart and its legend")
                    .isNotEmpty();
            assertThat(browser.getPageSource()).contains("Who blocks whom").contains("Top waits")
                    .contains("Wraparound").contains("Sequences").contains("Checkpoints");
            for (String page : List.of("connections", "activity", "replicas", "operations")) {
                browser.get(root + "/ui/" + page);
                assertThat(browser.findElements(By.cssSelector("p.message.error"))).as(page).isEmpty();
                shot(browser, page);
            }
            submit(browser, By.id("task-run"));
            assertThat(browser.findElement(By.id("message")).getText())
                    .as("the task form runs a dry run by default").startsWith("Plan of update_statistics");
            shot(browser, "task-plan");

            String cookie = browser.manage().getCookieNamed(PageSessions.COOKIE).getValue();
            for (String page : List.of("/", "/ui/statements", "/ui/statements/" + queryid, "/ui/connections",
                    "/ui/activity", "/ui/replicas", "/ui/alerts", "/ui/operations")) {
                Response r = given().cookie(PageSessions.COOKIE, cookie).redirects().follow(false).get(page);
                assertThat(r.statusCode()).as(page).isEqualTo(200);
                assertThat(r.asByteArray().length).as(page + " weighs under 100 KB").isLessThan(MAX_PAGE_BYTES);
                assertThat(r.asString()).as(page + " never shows the token").doesNotContain(TOKEN).doesNotContain("<script");
                assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'").doesNotContain("script-src");
                assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
                System.out.printf("status page %s: %d bytes%n", page, r.asByteArray().length);
            }

            submit(browser, By.id("logout"));
            assertThat(browser.getCurrentUrl()).endsWith("/ui/login");
            browser.get(root + "/ui/statements");
            assertThat(browser.getCurrentUrl()).as("after logout this browser has no session").endsWith("/ui/login");
        } finally {
            browser.quit();
        }

        var audit = given().auth().oauth2(TOKEN).get("/api/v1/admin/database/audit?action=alerts.silence").jsonPath();
        assertThat(audit.getList("data.caller", String.class)).as("the page's silence is audited as the page's caller")
                .anyMatch(c -> c.endsWith("(status page)"));
    }

    @Test
    void theCookieIsSignedHttpOnlyStrictAndFormsNeedTheirCsrfToken() {
        Response login = given().formParam("token", TOKEN).redirects().follow(false).post("/ui/login");
        assertThat(login.statusCode()).isEqualTo(303);
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Max-Age=3600")
                .doesNotContain(TOKEN);
        String cookie = login.getCookie(PageSessions.COOKIE);

        assertThat(given().formParam("token", "wrong").redirects().follow(false).post("/ui/login").statusCode())
                .isEqualTo(401);
        String tampered = cookie.substring(0, cookie.indexOf('.')) + ".AAAA" + cookie.substring(cookie.indexOf('.') + 5);
        assertThat(given().cookie(PageSessions.COOKIE, tampered).redirects().follow(false).get("/ui/statements")
                .statusCode()).as("a changed signature is no session").isEqualTo(303);

        int silencesBefore = given().auth().oauth2(TOKEN).get("/api/v1/admin/database/alerts/silences").jsonPath()
                .getList("data").size();
        Response forged = given().cookie(PageSessions.COOKIE, cookie).formParam("csrf", "forged")
                .formParam("name", "alertname").formParam("value", "X").formParam("duration", "1h")
                .formParam("comment", "forged").redirects().follow(false).post("/ui/alerts/silences");
        assertThat(forged.statusCode()).as("a form without the session's CSRF token").isEqualTo(403);
        Response noSession = given().formParam("csrf", "x").formParam("value", "X").redirects().follow(false)
                .post("/ui/alerts/silences");
        assertThat(noSession.statusCode()).as("a form without a session goes to the login").isEqualTo(303);
        assertThat(given().auth().oauth2(TOKEN).get("/api/v1/admin/database/alerts/silences").jsonPath()
                .getList("data")).as("nothing was added").hasSize(silencesBefore);
    }

    /** A statement on a table big enough for a plan, polled across intervals so it has a history. */
    private String workload() throws Exception {
        try (Connection c = PgTestResource.ownCluster().connect(database); Statement s = c.createStatement()) {
            s.execute("ANALYZE page_items");
            statements.pollOnce();
            for (int i = 0; i < 3; i++) {
                Workload.repeat(c, "SELECT v FROM page_items WHERE v = ?", 5 + 5 * i, "item 7");
                statements.pollOnce();
            }
            return statements.latest().statements().stream()
                    .filter(st -> st.query() != null && st.query().contains("page_items WHERE v"))
                    .findFirst().orElseThrow().queryid();
        }
    }

    /**
     * Clicks a button that submits its form and waits until the browser has left the page it was on
     * (a click returns before the next page has loaded, so reading right after it races the load).
     */
    static void submit(WebDriver browser, By button) {
        WebElement b = browser.findElement(button);
        b.click();
        new WebDriverWait(browser, WAIT).until(d -> gone(b));
        // the last element of either page: once it is there, everything before it is parsed
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.or(
                ExpectedConditions.presenceOfElementLocated(By.tagName("footer")),
                ExpectedConditions.presenceOfElementLocated(By.id("login-form"))));
    }

    /**
     * Whether the element's page has been replaced. Chromium answers a question about an element of
     * a page being torn down either as a stale element or, mid-navigation, as an inspector error that
     * the node "does not belong to the document"; both mean the browser has left the page.
     */
    static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static void shot(WebDriver browser, String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
