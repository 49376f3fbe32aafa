package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.WebRtcBrowsers.TIMEOUT;
import static dev.amphi.server.WebRtcBrowsers.firstRise;
import static dev.amphi.server.WebRtcBrowsers.stat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.transport.DatagramFilter;
import dev.amphi.ingest.webrtc.transport.DatagramFilter.Direction;
import dev.amphi.ingest.webrtc.transport.PeerSession;
import dev.amphi.ingest.webrtc.transport.PeerStats;
import dev.amphi.ingest.webrtc.transport.WebRtcTransport;
import dev.amphi.transcode.ProgramStats;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * A Chromium speaker over a lossy network, played by the transport's {@link DatagramFilter}:
 * lost packets are asked for again (NACK) and retransmitted (RTX) both ways and the video keeps
 * decoding; a picture loss (PLI) is answered by a keyframe within a second, both ways. The
 * room's GOP is 4 s here, so a keyframe within a second of a PLI is the forced one.
 */
class WebRtcPacketLossBrowserTest {

    private static final String KEY = "lossy-room-key-0123";
    private static final int RED = 0xff0000;

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebRtcBrowsers browsers;
    static WebDriver red;
    static int videoPt;
    static int rtxPt;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "testsrc2=s=320x240:r=30,drawbox=c=red:t=fill:x=0:y=0:w=320:h=160", "red.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=440:sample_rate=48000", "tone440.wav");
        server = WebRtcBrowsers.compositeRoom(dir, "lossy", KEY, "4s");
        browsers = new WebRtcBrowsers(server, dir, "lossy", KEY);
        red = browsers.speaker("Red", "red.y4m", "tone440.wav");
        await(TIMEOUT, "Red sees the program back", () -> WebRtcBrowsers.sees(red, RED, 1));
        String answer = (String) Chromium.js(red, "return window.amphiJoin.pc.currentRemoteDescription.sdp;");
        videoPt = payloadType(answer, "(?:H264|VP8)/90000");
        rtxPt = payloadType(answer, "rtx/90000");
        WebRtcBrowsers.watchStats(red);
    }

    private static int payloadType(String sdp, String encoding) {
        Matcher m = Pattern.compile("a=rtpmap:(\\d+) " + encoding).matcher(sdp.substring(sdp.indexOf("m=video")));
        assertThat(m.find()).as("the answer has %s video: %s", encoding, sdp).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @AfterEach
    void heal() {
        transport().filter(null);
    }

    @AfterAll
    static void stop() {
        WebRtcBrowsers.closeAll(browsers, server);
    }

    private static WebRtcTransport transport() {
        return server.webrtc().transport();
    }

    private static PeerSession peer() {
        return server.webrtc().calls().stream().filter(c -> "red".equals(c.speakerId)).findFirst().orElseThrow().peer;
    }

    private static ProgramStats program() {
        return browsers.program().stats().orElseThrow();
    }

    private static boolean isVideo(byte[] d) {
        return DatagramFilter.isRtp(d, videoPt) || DatagramFilter.isRtp(d, rtxPt);
    }

    @Test
    void packetsLostFromTheBrowserAreAskedForAgainAndItsVideoKeepsDecoding() throws Exception {
        PeerStats before = peer().stats();
        long nacked = stat(red, "outbound-rtp.nackCount");
        long resent = stat(red, "outbound-rtp.retransmittedPacketsSent");
        transport().filter(DatagramFilter.loss(Direction.INBOUND, 0.05, DatagramFilter::isRtp));

        await(TIMEOUT, "the server NACKs the lost packets and gets them again", () -> {
            PeerStats s = peer().stats();
            return s.nacksSent() >= before.nacksSent() + 5 && s.retransmitsReceived() > before.retransmitsReceived();
        });
        await(TIMEOUT, "Chromium got the NACKs and retransmitted", () -> stat(red, "outbound-rtp.nackCount") > nacked
                && stat(red, "outbound-rtp.retransmittedPacketsSent") > resent);
        long decoded = program().decodedVideo();
        await(TIMEOUT, "Red's video keeps decoding in the program under 5% loss", () -> program().decodedVideo() >= decoded + 60);
        assertThat(WebRtcBrowsers.sees(red, RED, 1)).as("Red's tile still shows in the program").isTrue();
    }

    @Test
    void packetsLostToTheBrowserAreAskedForAgainAndTheProgramKeepsDecoding() throws Exception {
        PeerStats before = peer().stats();
        long nacked = stat(red, "inbound-rtp.nackCount");
        transport().filter(DatagramFilter.loss(Direction.OUTBOUND, 0.05, DatagramFilter::isRtp));

        await(TIMEOUT, "Chromium NACKs the lost packets of the program", () -> stat(red, "inbound-rtp.nackCount") >= nacked + 5);
        await(TIMEOUT, "the server retransmits them", () -> peer().stats().retransmitsSent() > before.retransmitsSent()
                && peer().stats().nacksReceived() > before.nacksReceived());
        long decoded = stat(red, "inbound-rtp.framesDecoded");
        await(TIMEOUT, "Chromium keeps decoding the program under 5% loss",
                () -> stat(red, "inbound-rtp.framesDecoded") >= decoded + 60);
        assertThat(WebRtcBrowsers.sees(red, RED, 1)).as("Red sees its tile in the program").isTrue();
    }

    @Test
    void theBrowserSendsAKeyframeWithinASecondOfTheServersPli() throws Exception {
        long plis = peer().stats().plisSent();
        double since = WebRtcBrowsers.now(red);
        // a burst of Chromium's video is lost and so are its retransmissions until the server gives up and asks for a keyframe
        AtomicInteger burst = new AtomicInteger(30);
        transport().filter((direction, remote, d) -> direction != Direction.INBOUND
                || !(DatagramFilter.isRtp(d, videoPt) && burst.getAndDecrement() > 0
                        || DatagramFilter.isRtp(d, rtxPt) && peer().stats().plisSent() == plis));

        await(TIMEOUT, "the server sends a PLI", () -> peer().stats().plisSent() > plis);
        await(TIMEOUT, "Chromium counts the PLI", () -> firstRise(red, "outbound-rtp.pliCount", since) >= 0);
        double pli = firstRise(red, "outbound-rtp.pliCount", since);
        await(TIMEOUT, "Chromium encodes a keyframe", () -> firstRise(red, "outbound-rtp.keyFramesEncoded", pli - 50) >= 0);
        assertThat(firstRise(red, "outbound-rtp.keyFramesEncoded", pli - 50) - pli)
                .as("ms from the PLI Chromium got to its keyframe").isLessThanOrEqualTo(1000);
        long decoded = program().decodedVideo();
        await(TIMEOUT, "Red's video decodes again", () -> program().decodedVideo() >= decoded + 30);
    }

    @Test
    void theServerSendsAKeyframeWithinASecondOfTheBrowsersPli() throws Exception {
        long asked = peer().stats().keyframeRequestsReceived();
        long forced = program().interactive().keyframesForced();
        double since = WebRtcBrowsers.now(red);
        // the program's video to Chromium is lost until Chromium asks for a keyframe
        transport().filter((direction, remote, d) -> direction != Direction.OUTBOUND || !isVideo(d)
                || peer().stats().keyframeRequestsReceived() > asked);

        await(TIMEOUT, "Chromium sends a PLI", () -> firstRise(red, "inbound-rtp.pliCount", since) >= 0);
        double pli = firstRise(red, "inbound-rtp.pliCount", since);
        await(TIMEOUT, "Chromium decodes a keyframe", () -> firstRise(red, "inbound-rtp.keyFramesDecoded", pli - 50) >= 0);
        assertThat(firstRise(red, "inbound-rtp.keyFramesDecoded", pli - 50) - pli)
                .as("ms from Chromium's PLI to its decoding a keyframe").isLessThanOrEqualTo(1000);
        assertThat(peer().stats().keyframeRequestsReceived()).isGreaterThan(asked);
        assertThat(program().interactive().keyframesForced()).as("the rendition forced an IDR").isGreaterThan(forced);
    }
}
