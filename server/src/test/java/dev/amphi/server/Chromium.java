package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium driven through Debian's chromedriver (nothing downloaded), for the page tests. */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Chromium's flags for a page that uses the camera and microphone: fake devices, granted without asking. */
    static final String[] FAKE_MEDIA = {"--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream=device-count=2",
        "--allow-loopback-in-peer-connection"};

    /**
     * A fresh headless browser with its own profile directory, a 1280x900 window, autoplay allowed,
     * and {@code extraArguments} as more command-line flags (e.g. {@link #FAKE_MEDIA}).
     */
    static WebDriver open(Path profile, String... extraArguments) {
        assertThat(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER))
                .as("the browser tests need Debian's chromium and chromium-driver (%s, %s); bin/test installs them, "
                        + "or run: apt-get install -y chromium chromium-driver", BINARY, DRIVER)
                .isTrue();
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return browser;
    }

    static Object js(WebDriver browser, String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }
}
