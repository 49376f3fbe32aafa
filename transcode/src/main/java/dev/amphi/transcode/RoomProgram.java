package dev.amphi.transcode;

import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.interactive.InteractiveProgram;
import dev.amphi.transcode.layout.Layout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * One room's composited program: every speaker's H.264/AAC is decoded, the visible speakers are
 * drawn into one canvas, the loudest speakers are mixed into one audio track, and the canvas is
 * encoded into a ladder of H.264 renditions plus one AAC rendition, all on the room's program
 * clock (90 kHz, starting at 0 when the program starts).
 *
 * <p>Threads: the program runs on its own platform thread ({@code amphi-program-ROOM}) that ticks
 * at the output frame rate; speakers' packets are decoded on the shared decode executor, one
 * speaker at a time per speaker (bounded queue, video dropped up to the next keyframe when the
 * decoders fall behind, audio only past twice the queue, counted); the ladder encodes on its own
 * threads. The sinks returned by {@link #join} may be called from any thread (e.g. Netty event
 * loops) and never block.
 *
 * <p>Real time, for the speakers themselves (WebRTC): {@link #interactive()} is the program back to
 * them within a frame or two, apart from the HLS ladder and costing nothing until someone
 * subscribes. {@code interactive().subscribe(speakerId, videoSink, audioSink)} returns a
 * subscription (close it to leave):
 * <ul>
 * <li>the video sink gets the canvas scaled to 640x360 ({@link Builder#interactiveVideo}) as H.264
 * Constrained Baseline AVCC packets from libx264 {@code tune=zerolatency}, starting at an IDR, with
 * SPS/PPS in band before every IDR and an IDR every segment duration;
 * {@code subscription.videoSize(HIGH)} changes to the optional second size (1280x720 by default,
 * {@link Builder#interactiveHighVideo}) at an IDR;
 * <li>the audio sink gets 20 ms Opus packets (48 kHz mono) of the room without {@code speakerId}'s
 * own voice while that speaker is one of the mixed loudest, else of the common mix (a null
 * {@code speakerId}: a listener, the common mix); with N mixed speakers N+1 Opus encoders run (one
 * more for the 30 ms a speaker fades out of the mix), and only those someone listens to;
 * <li>{@code subscription.requestKeyframe()} (a browser's PLI/FIR; {@code interactive().requestKeyframe()}
 * for every size) forces an IDR at the next frame, at most one per 500 ms of program time;
 * requests within that merge.
 * </ul>
 * Sinks are called on the rendition's delivery threads behind bounded queues (a slow subscriber
 * drops, counted in {@link ProgramStats#interactive()}) and must not block; they get
 * {@code onEnd} when the program closes.
 */
public interface RoomProgram extends AutoCloseable {

    /** The most speakers a room admits. */
    int MAX_SPEAKERS = 300;

    static Builder builder(String room) {
        return new RoomProgramBuilder(room);
    }

    /** Starts the program clock. */
    RoomProgram start();

    String room();

    /**
     * A speaker joins, or comes back: {@code speakerId} identifies the speaker across reconnects
     * (a returning speaker gets the same tile). Returns the sink for the speaker's packets; its
     * {@code onEnd} means the speaker's publisher is gone (the tile freezes, then shows the
     * placeholder, and the speaker leaves the room if it does not come back within the rejoin
     * grace period). Packets after an {@code onEnd} start a new timeline.
     *
     * @throws RoomFullException when the room already has its maximum of speakers
     */
    MediaSink join(String speakerId, String displayName);

    /**
     * {@link #join(String, String)} for a sender that can be asked for a keyframe and told whether
     * its video is shown (a WebRTC peer): see {@link SenderControl}. A returning speaker's control
     * replaces the one of its earlier connection; null: none.
     */
    default MediaSink join(String speakerId, String displayName, SenderControl control) {
        return join(speakerId, displayName);
    }

    /** The speaker leaves now (its tile goes away). Unknown ids are ignored. */
    void leave(String speakerId);

    /** Switches the layout at the next frame, without a glitch. */
    void layout(Layout layout);

    Layout layout();

    /** Speakers in the room, in join order. */
    List<String> speakers();

    /**
     * The speakers the program's last frame gave a tile (drawn), in no particular order. This is
     * the program's own placement, so it is what viewers see; it follows a layout change, a join
     * or an active-speaker change at the next frame, and {@link ProgramListener#tilesChanged} says
     * when it changed.
     */
    Set<String> visibleSpeakers();

    /** The current active speaker, if anyone has spoken yet. */
    Optional<String> activeSpeaker();

    /**
     * A host mutes {@code speakerId} out of the program's mix (and the speakers' own mix), or lets it
     * back: from the next audio chunk, with the mix's usual short fade. A muted speaker is still
     * metered ({@link #levels}) but never becomes the active speaker. Kept while the program runs,
     * also for an id that has not joined yet or comes back.
     */
    void mute(String speakerId, boolean muted);

    /** The speakers muted out of the mix. */
    Set<String> muted();

    /** Smoothed audio level per speaker in dBFS (-120 for silence), updated every frame. */
    Map<String, Double> levels();

    /** Counters for metrics and tests. */
    ProgramStats stats();

    /**
     * The program back to the room's speakers in real time (see above and {@link InteractiveProgram});
     * usable before {@link #start} and from any thread. Subscriptions end with the program.
     */
    InteractiveProgram interactive();

    /** Stops the clock, ends the outputs' playlists and frees every native resource. */
    @Override
    void close();

    /** Thrown by {@link #join} when the room is full. */
    final class RoomFullException extends RuntimeException {
        public RoomFullException(String message) {
            super(message);
        }
    }

    /** Builder; every setter validates its argument and names a bad value. */
    interface Builder {
        /** Canvas size, default 1920x1080 (even, 160x90 .. 3840x2160). */
        Builder canvas(int width, int height);

        /** Output frame rate, default 30 (1..60). */
        Builder fps(int fps);

        /** Segment duration = GOP; every rung gets an IDR at each multiple of it. Default 2 s. */
        Builder segmentDuration(Duration duration);

        /** The video rungs, highest first; default {@link Rung#defaults()}. */
        Builder ladder(List<Rung> rungs);

        /** AAC bitrate of the audio rendition, default 128 kbit/s. */
        Builder audioBitrate(int bitsPerSecond);

        /** Encoder, default libx264. */
        Builder codec(VideoCodec codec);

        /** x264 preset; default chosen from the core count (see PresetChooser). */
        Builder preset(String preset);

        /**
         * Threads of each rung's encoder, 0..64; 0 (the default) lets the encoder decide (x264:
         * 1.5 per core). Every rung already encodes on a thread of its own.
         */
        Builder encoderThreads(int threads);

        /** How many of the loudest speakers are mixed, default 3. */
        Builder mixLoudest(int speakers);

        /** Speakers admitted, default and maximum {@value #MAX_SPEAKERS}. */
        Builder maxSpeakers(int speakers);

        /** Initial layout, default gallery. */
        Builder layout(Layout layout);

        /** Delay between a packet's arrival and its presentation in the program, default 200 ms (less than the decoders' picture queue of 16 frames). */
        Builder jitterBuffer(Duration delay);

        /** How long a disconnected speaker keeps its tile waiting to come back, default 60 s. */
        Builder rejoinGrace(Duration grace);

        /** Executor that decodes speakers (shared by rooms); default a private pool of one thread per core. */
        Builder decodeExecutor(ExecutorService executor);

        /**
         * What drives the frames, default {@link ProgramClock#realTime()} (the program's own thread on
         * the wall clock); {@link ProgramClock#offline()} for a driver that ticks it as fast as it goes.
         * A clock drives one program.
         */
        Builder clock(ProgramClock clock);

        /**
         * Size and bitrate of the interactive rendition ({@link RoomProgram#interactive()}), default
         * 640x360 (the canvas's size when the canvas is smaller) at 800 kbit/s; even, at most the canvas
         * and 1920x1080, 100 kbit/s..20 Mbit/s.
         */
        Builder interactiveVideo(int width, int height, int bitsPerSecond);

        /**
         * Size and bitrate of the interactive rendition's optional second size
         * ({@code InteractiveProgram.VideoSize.HIGH}), default 1280x720 at 2 Mbit/s when the canvas
         * is at least that large (none otherwise); even, at most the canvas and 1920x1080.
         */
        Builder interactiveHighVideo(int width, int height, int bitsPerSecond);

        /** Where the program goes. Required. */
        Builder output(ProgramOutput output);

        Builder listener(ProgramListener listener);

        /** Builds the program (not started). */
        RoomProgram build();
    }
}
