package dev.amphi.bench.speakers;

import dev.amphi.media.MediaPacket;
import java.io.IOException;

/** One light speaker: sends the clip's packets it is handed (timestamps already on its own timeline). */
interface LoadSpeaker extends AutoCloseable {

    /** An H.264 access unit (AVCC). */
    void sendVideo(MediaPacket packet) throws IOException;

    /** An audio frame of the tone ({@code talking}) or of silence; Opus for WebRTC, AAC for RTMP. */
    void sendAudio(MediaPacket packet, boolean talking) throws IOException;

    /** What the speaker counted so far, for the periodic report (may be empty). */
    default String counters() {
        return "";
    }

    @Override
    void close();
}
