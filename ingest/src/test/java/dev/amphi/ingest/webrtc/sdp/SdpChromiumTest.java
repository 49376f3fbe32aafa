package dev.amphi.ingest.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's headless Chromium makes real offers (send-and-receive as the speaker page, send-only as
 * a WHIP encoder, receive-only as a listener), the answerer answers them, and a fresh peer
 * connection with the same transceivers applies each answer: Chromium must reach the stable state
 * with the expected directions and send H.264 Constrained Baseline. No extra dependency: the pages
 * run with {@code --dump-dom} and a virtual time budget.
 */
class SdpChromiumTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final List<String> DIRECTIONS = List.of("sendrecv", "sendonly", "recvonly");

    /**
     * Loopback candidates: Chromium starts ICE checks as soon as it applies the answer, and checks
     * towards an unreachable address hold the page's virtual time, so its DOM would be dumped first.
     */
    static final ServerParameters LOOPBACK = new ServerParameters(SdpTestData.ICE, SdpTestData.FINGERPRINT, 50000,
            List.of("127.0.0.1"), 1, "amphi-program", "amphi-room", 1111, 2222, 3333);

    @TempDir
    Path dir;

    @Test
    void chromiumAcceptsTheAnswersToItsOwnOffers() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("this test needs Debian's chromium (%s); run: apt-get install -y chromium", CHROMIUM).isTrue();
        Map<String, String> offers = new LinkedHashMap<>();
        for (String line : run("offers", """
                const out = [];
                for (const d of %s) {
                  const pc = new RTCPeerConnection();
                  pc.addTransceiver('audio', {direction: d});
                  pc.addTransceiver('video', {direction: d});
                  out.push(d + '|' + btoa((await pc.createOffer()).sdp));
                  pc.close();
                }
                return out;""".formatted(jsList(DIRECTIONS)))) {
            String[] parts = line.split("\\|", 2);
            offers.put(parts[0], new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.US_ASCII));
        }
        assertThat(offers).containsOnlyKeys(DIRECTIONS);

        List<String> results = new ArrayList<>();
        for (String d : DIRECTIONS) {
            Answer answer = Sdp.answer(Sdp.parse(offers.get(d)), LOOPBACK);
            assertThat(answer.negotiated().media()).hasSize(2);
            String encoded = Base64.getEncoder().encodeToString(answer.sdp().getBytes(StandardCharsets.US_ASCII));
            // one page per answer: a page's virtual time budget covers one negotiation reliably
            results.addAll(run("answer-" + d, """
                    const pc = new RTCPeerConnection();
                    pc.addTransceiver('audio', {direction: '%1$s'});
                    pc.addTransceiver('video', {direction: '%1$s'});
                    await pc.setLocalDescription(await pc.createOffer());
                    try {
                      await pc.setRemoteDescription({type: 'answer', sdp: atob('%2$s')});
                    } catch (e) {
                      return ['%1$s|refused ' + e];
                    }
                    const t = pc.getTransceivers().map(x => x.mid + ':' + x.currentDirection).join(',');
                    const codecs = pc.getTransceivers()[1].sender.getParameters().codecs
                        .map(c => c.mimeType + ' ' + (c.sdpFmtpLine || '')).join(',');
                    return ['%1$s|' + pc.signalingState + '|' + t + '|' + codecs];""".formatted(d, encoded)));
        }
        assertThat(results).hasSize(3);
        assertThat(results.get(0)).startsWith("sendrecv|stable|0:sendrecv,1:sendrecv|video/H264 ")
                .contains("packetization-mode=1").contains("profile-level-id=42e01f").contains("video/rtx");
        assertThat(results.get(1)).startsWith("sendonly|stable|0:sendonly,1:sendonly|video/H264 ");
        assertThat(results.get(2)).startsWith("recvonly|stable|0:recvonly,1:recvonly|");
    }

    /** Runs {@code body} (an async function body returning strings) in a headless page; its lines. */
    private List<String> run(String name, String body) throws IOException, InterruptedException {
        Path page = dir.resolve(name + ".html");
        Files.writeString(page, """
                <html><body><pre id="out">pending</pre><script>
                let done = false;
                let spin = 0;
                (function busy() {
                  // virtual time runs ahead while the page idles, and waiting on WebRTC's own threads is
                  // idling: keep the page busy (a counted loop; clocks are virtual) until the work is done
                  if (done) return;
                  for (let i = 0; i < 1000000; i++) spin += i;
                  setTimeout(busy, 1);
                })();
                (async () => { %s })()
                  .then(lines => document.getElementById('out').textContent = 'RESULT\\n' + lines.join('\\n'))
                  .catch(e => document.getElementById('out').textContent = 'ERROR ' + e)
                  .finally(() => done = true);
                </script></body></html>
                """.formatted(body));
        Path dom = dir.resolve(name + ".dom");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--user-data-dir=" + dir.resolve("profile-" + name), "--virtual-time-budget=30000", "--dump-dom",
                page.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean exited = chromium.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            chromium.destroyForcibly();
        }
        assertThat(exited).as("chromium finished the page " + name).isTrue();
        Matcher m = Pattern.compile("<pre id=\"out\">(.*?)</pre>", Pattern.DOTALL)
                .matcher(Files.readString(dom, StandardCharsets.UTF_8));
        assertThat(m.find()).as("the page " + name + " was dumped").isTrue();
        String text = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        assertThat(text).as("the page " + name + " ran").startsWith("RESULT\n");
        return List.of(text.substring("RESULT\n".length()).split("\n"));
    }

    private static String jsList(List<String> values) {
        return "['" + String.join("', '", values) + "']";
    }
}
