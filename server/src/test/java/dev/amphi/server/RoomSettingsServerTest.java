package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-room program settings on a running server: two composited rooms with different ladders and
 * frame rates, each live from its own demo speaker with no publisher; the origin's master playlist
 * of each lists exactly that room's rungs. A third room has no demo and stays offline; a fourth
 * passes its publisher through and gets no program.
 */
class RoomSettingsServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern STREAM_INF = Pattern.compile("#EXT-X-STREAM-INF:(.*)");

    @TempDir
    static Path dataDir;
    static AmphiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--canvas", "640x360", "--fps", "15",
                "--ladder", "360p:640x360:600k", "--preset", "ultrafast", "--segment-duration", "1s",
                "--room", "panel=panel-stream-key-0123", "--room", "quiet=quiet-stream-key-0123", "--room", "stage=stage-stream-key-0123",
                "--room-setting", "lobby.demo=1",
                "--room-setting", "panel.ladder=360p:640x360:700k,180p:320x180:150k,panel.fps=10,panel.demo=1",
                "--room-setting", "stage.mode=passthrough");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A variant of a master playlist. */
    record Variant(String resolution, long bandwidth, double frameRate) {
    }

    static List<Variant> variants(String master) {
        List<Variant> out = new ArrayList<>();
        Matcher m = STREAM_INF.matcher(master);
        while (m.find()) {
            String attrs = m.group(1);
            if (attrs.contains("CODECS=\"mp4a.40.2\"") && !attrs.contains("RESOLUTION=")) {
                continue; // the audio-only variant
            }
            out.add(new Variant(attribute(attrs, "RESOLUTION"), Long.parseLong(attribute(attrs, "BANDWIDTH")),
                    Double.parseDouble(attribute(attrs, "FRAME-RATE"))));
        }
        return out;
    }

    private static String attribute(String attrs, String name) {
        Matcher m = Pattern.compile("(?:^|,)" + name + "=([^,]+)").matcher(attrs);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in #EXT-X-STREAM-INF:" + attrs);
        }
        return m.group(1);
    }

    /**
     * The room's master playlist once it lists {@code rungs} rungs, each measured (a positive
     * bandwidth) at about {@code fps} (the origin averages the frame rate over the segments so far,
     * so the first segment alone can be off).
     */
    static List<Variant> masterOf(String room, int rungs, double fps) throws InterruptedException {
        String url = httpUrl(server, "/live/" + room + "/master.m3u8");
        return Awaitility.await("room " + room + "'s master playlist to list " + rungs + " measured rung(s) at " + fps + " fps")
                .atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    TestSupport.Response r = get(url);
                    return r.status() == 200 ? variants(r.body()) : List.<Variant>of();
                }, v -> v.size() >= rungs && v.stream().allMatch(x -> x.bandwidth() > 1 && Math.abs(x.frameRate() - fps) <= 0.5));
    }

    @Test
    void eachRoomServesExactlyItsOwnLadderAtItsOwnFrameRate() throws Exception {
        List<Variant> lobby = masterOf("lobby", 1, 15); // the global --fps
        assertThat(lobby).extracting(Variant::resolution).as("the global ladder").containsExactly("640x360");

        List<Variant> panel = masterOf("panel", 2, 10); // panel.fps
        assertThat(panel).extracting(Variant::resolution).as("panel's own two rungs").containsExactly("640x360", "320x180");
        assertThat(panel.get(0).bandwidth()).as("the 700k rung carries more than the 150k rung").isGreaterThan(panel.get(1).bandwidth());
    }

    @Test
    void aRoomsDemoMakesItLiveWithoutAPublisherAndOtherRoomsKeepTheirOwnSettings() throws Exception {
        await(TIMEOUT, "lobby and panel live from their demo speakers", () -> server.rooms().isLive("lobby") && server.rooms().isLive("panel"));
        assertThat(server.programRooms()).extracting(p -> p.room().name()).as("stage passes its publisher through")
                .containsExactly("lobby", "panel", "quiet");
        assertThat(server.rooms().isLive("quiet")).as("no demo, no publisher").isFalse();
        assertThat(get(httpUrl(server, "/live/quiet/master.m3u8")).status()).isEqualTo(404);
        assertThat(server.programRooms().stream().filter(p -> p.room().name().equals("panel")).findFirst().orElseThrow()
                .program().orElseThrow().speakers()).containsExactly("demo-1");
    }
}
