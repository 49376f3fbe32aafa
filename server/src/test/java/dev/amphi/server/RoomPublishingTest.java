package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.PublishDecision;
import dev.amphi.ingest.PublishRequest;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import dev.amphi.media.AacConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomPublishingTest {

    private static final AacConfig AAC = AacConfig.lc(48000, 2);

    private final RoomRegistry rooms = RoomRegistry.of(List.of(Room.of("lobby", "lobby-key"), Room.of("talk", "talk-key")));
    /** What each room's origin sink saw, in order: "p<dts>" or "end". */
    private final Map<String, List<String>> origin = new HashMap<>();

    private RoomPublishing publishing(DuplicatePolicy policy) {
        return new RoomPublishing(rooms, policy, name -> new MediaSink() {
            @Override
            public void onPacket(MediaPacket packet) {
                origin.computeIfAbsent(name, n -> new ArrayList<>()).add("p" + packet.dts());
            }

            @Override
            public void onEnd() {
                origin.computeIfAbsent(name, n -> new ArrayList<>()).add("end");
            }
        }, Runnable::run);
    }

    private static PublishDecision authorize(RoomPublishing p, PublishRequest request) {
        return p.authorize(request).toCompletableFuture().join();
    }

    private static PublishRequest request(String app, String key) {
        return new PublishRequest(app, key, new InetSocketAddress("127.0.0.1", 5000), false);
    }

    private static MediaPacket audio(long dts) {
        return new MediaPacket(MediaKind.AUDIO, AAC, dts, 0, true, new byte[] {1, 2, 3});
    }

    private static MediaSink accept(PublishDecision d, String room) {
        assertThat(d).isInstanceOf(PublishDecision.Accept.class);
        assertThat(((PublishDecision.Accept) d).streamName()).isEqualTo(room);
        return ((PublishDecision.Accept) d).sink();
    }

    @Test
    void streamKeyChoosesTheRoomAndPacketsReachItsOrigin() {
        RoomPublishing p = publishing(DuplicatePolicy.TAKE_OVER);
        MediaSink sink = accept(authorize(p, request("live", "talk-key")), "talk");
        assertThat(rooms.isLive("talk")).as("live only once media flows").isFalse();

        sink.onPacket(audio(0));
        sink.onPacket(audio(1920));
        assertThat(rooms.liveRooms()).containsExactly("talk");
        sink.onEnd();

        assertThat(rooms.liveRooms()).isEmpty();
        assertThat(origin.get("talk")).containsExactly("p0", "p1920", "end");
        assertThat(origin).doesNotContainKey("lobby");
    }

    @Test
    void refusesUnknownKeysAndApplications() {
        RoomPublishing p = publishing(DuplicatePolicy.TAKE_OVER);
        assertThat(authorize(p, request("live", "wrong"))).isEqualTo(PublishDecision.rejectCredentials("unknown stream key"));
        assertThat(authorize(p, request("other", "lobby-key"))).isInstanceOf(PublishDecision.Reject.class)
                .extracting(d -> ((PublishDecision.Reject) d).reason()).asString().startsWith("unknown application: publish to rtmp://HOST:PORT/live");
        assertThat(authorize(p, request("live/lobby-key", "x"))).as("a key in the application is not echoed")
                .extracting(d -> ((PublishDecision.Reject) d).reason()).asString().doesNotContain("lobby-key");
        accept(authorize(p, request("live/", "lobby-key")), "lobby");
    }

    @Test
    void newPublisherTakesOverAndTheOldOnesLateEventsAreIgnored() {
        RoomPublishing p = publishing(DuplicatePolicy.TAKE_OVER);
        MediaSink first = accept(authorize(p, request("live", "lobby-key")), "lobby");
        first.onPacket(audio(100));
        MediaSink second = accept(authorize(p, request("live", "lobby-key")), "lobby");
        second.onPacket(audio(0));
        first.onPacket(audio(200)); // the stale connection's event loop was still busy
        first.onEnd();
        assertThat(rooms.isLive("lobby")).isTrue();
        second.onPacket(audio(1920));
        second.onEnd();

        assertThat(origin.get("lobby")).containsExactly("p100", "end", "p0", "p1920", "end");
        assertThat(rooms.isLive("lobby")).isFalse();
    }

    @Test
    void refusePolicyTurnsAwayASecondPublisherWhileLive() {
        RoomPublishing p = publishing(DuplicatePolicy.REFUSE);
        MediaSink first = accept(authorize(p, request("live", "lobby-key")), "lobby");
        first.onPacket(audio(0));
        assertThat(authorize(p, request("live", "lobby-key"))).isEqualTo(PublishDecision.reject("room lobby is already live"));
        first.onEnd();
        accept(authorize(p, request("live", "lobby-key")), "lobby");
    }
}
