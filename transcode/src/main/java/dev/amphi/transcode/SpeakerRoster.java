package dev.amphi.transcode;

import dev.amphi.media.MediaSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in a room's program: the speakers in join order, joining, leaving, and leaving on their
 * own once disconnected longer than the rejoin grace. A removed speaker is freed only after the
 * frame being drawn no longer uses it (at the start of the next frame), and its counters stay in
 * the room's totals. Thread-safe: the speaker map is guarded by this object; the program thread
 * calls {@link #forFrame} and {@link #freeRetired}, anyone else the rest.
 */
final class SpeakerRoster {

    private static final Logger LOG = LoggerFactory.getLogger(SpeakerRoster.class);

    private final String room;
    private final int maxSpeakers;
    private final Duration rejoinGrace;
    private final long jitter;
    private final Executor decoders;
    private final ProgramClock clock;
    private final ProgramListener listener;
    /** Told whenever the roster changed, so the next frame lays the room out again. */
    private final Runnable changed;

    // guarded by this
    private final Map<String, Speaker> speakers = new LinkedHashMap<>();
    private long joinCounter;
    private long goneDecoded;
    private long goneDropped;
    private long goneHidden;
    private long goneAudio;
    private long goneShed;
    private long goneAudioDecoded;
    private long goneSilentSkips;
    private long goneErrors;

    private final List<Speaker> retired = new ArrayList<>(); // guarded by itself

    SpeakerRoster(RoomProgramBuilder cfg, ProgramClock clock, Executor decoders, Runnable changed) {
        this.room = cfg.room;
        this.maxSpeakers = cfg.maxSpeakers;
        this.rejoinGrace = cfg.rejoinGrace;
        this.jitter = cfg.jitter.toNanos() * 9 / 100_000;
        this.decoders = decoders;
        this.clock = clock;
        this.listener = cfg.listener;
        this.changed = changed;
    }

    /** The speaker's publisher-facing sink; a speaker already in the room keeps its place (and gets the new name). */
    MediaSink join(String speakerId, String displayName) {
        return join(speakerId, displayName, null);
    }

    /** See {@link RoomProgram#join(String, String, SenderControl)}. */
    MediaSink join(String speakerId, String displayName, SenderControl control) {
        if (speakerId == null || speakerId.isBlank() || speakerId.length() > 128) {
            throw new IllegalArgumentException("speaker id must be 1..128 characters, got '" + speakerId + "'");
        }
        String name = displayName == null || displayName.isBlank() ? speakerId : displayName;
        List<String> now;
        Speaker s;
        synchronized (this) {
            s = speakers.get(speakerId);
            if (s != null) {
                s.displayName = name;
                s.senderControl(control);
                return s.input();
            }
            if (speakers.size() >= maxSpeakers) {
                throw new RoomProgram.RoomFullException("room " + room + " is full (" + maxSpeakers + " speakers)");
            }
            s = new Speaker(speakerId, name, joinCounter++, decoders, clock::now, jitter, clock.tileShortcuts());
            s.senderControl(control);
            speakers.put(speakerId, s);
            changed.run();
            now = List.copyOf(speakers.keySet());
        }
        LOG.info("room {}: speaker {} ('{}') joined, {} in the room", room, speakerId, name, now.size());
        listener.speakersChanged(room, now);
        return s.input();
    }

    void leave(String speakerId) {
        Speaker s;
        List<String> now;
        synchronized (this) {
            s = speakers.remove(speakerId);
            if (s == null) {
                return;
            }
            keepCounters(s);
            changed.run();
            now = List.copyOf(speakers.keySet());
        }
        retire(s);
        LOG.info("room {}: speaker {} left, {} in the room", room, speakerId, now.size());
        listener.speakersChanged(room, now);
    }

    /** Frees a removed speaker after the program thread has stopped drawing it (next frame). */
    private void retire(Speaker s) {
        if (!clock.ticking()) {
            s.close();
            return;
        }
        synchronized (retired) {
            retired.add(s);
        }
    }

    synchronized List<String> ids() {
        return List.copyOf(speakers.keySet());
    }

    /** Every speaker now, in join order. */
    synchronized List<Speaker> all() {
        return new ArrayList<>(speakers.values());
    }

    /** The decode side of a speaker (fed directly, counts as connected), or null. */
    synchronized MediaSink decoderOf(String speakerId) {
        Speaker s = speakers.get(speakerId);
        return s == null ? null : s.direct();
    }

    /**
     * Program thread, at the start of a frame: speakers gone longer than the rejoin grace leave
     * (the listener hears of it), then every speaker still in the room, in join order.
     */
    List<Speaker> forFrame() {
        List<Speaker> all;
        List<String> afterExpiry;
        synchronized (this) {
            afterExpiry = expireDisconnected() ? List.copyOf(speakers.keySet()) : null;
            all = new ArrayList<>(speakers.values());
        }
        if (afterExpiry != null) {
            listener.speakersChanged(room, afterExpiry);
        }
        return all;
    }

    /** Under this: speakers gone longer than the rejoin grace leave; whether anyone did. */
    private boolean expireDisconnected() {
        long grace = rejoinGrace.toNanos() * 9 / 100_000;
        boolean any = false;
        var it = speakers.values().iterator();
        while (it.hasNext()) {
            Speaker s = it.next();
            if (!s.connected && clock.now() - s.disconnectedAt > grace) {
                it.remove();
                keepCounters(s);
                changed.run();
                any = true;
                synchronized (retired) {
                    retired.add(s);
                }
                LOG.info("room {}: speaker {} did not come back within {} s and left", room, s.id, rejoinGrace.toSeconds());
            }
        }
        return any;
    }

    /** Program thread, before a frame is drawn: frees the speakers the frame before was the last to use. */
    void freeRetired() {
        List<Speaker> done;
        synchronized (retired) {
            if (retired.isEmpty()) {
                return;
            }
            done = new ArrayList<>(retired);
            retired.clear();
        }
        // they are no longer in the speaker map, and the placements of the frame before were the last use
        changed.run();
        for (Speaker s : done) {
            s.close();
        }
    }

    /** Under this: the counters of a speaker who leaves stay in the room's totals (metrics are counters). */
    private void keepCounters(Speaker s) {
        goneDecoded += s.video.decodedFrames();
        goneDropped += s.droppedVideo();
        goneHidden += s.video.hiddenDrops();
        goneAudio += s.droppedAudio();
        goneShed += s.video.shedFrames();
        goneAudioDecoded += s.audio.decodedFrames();
        goneSilentSkips += s.audio.silentSkips();
        goneErrors += s.video.errors() + s.audio.errors();
    }

    /** The room's speaker counters: those in the room now and every one who left. */
    synchronized Totals totals() {
        long decoded = goneDecoded;
        long dropped = goneDropped;
        long hidden = goneHidden;
        long droppedAudio = goneAudio;
        long shed = goneShed;
        long audioDecoded = goneAudioDecoded;
        long silentSkips = goneSilentSkips;
        long errors = goneErrors;
        for (Speaker s : speakers.values()) {
            audioDecoded += s.audio.decodedFrames();
            silentSkips += s.audio.silentSkips();
            errors += s.video.errors() + s.audio.errors();
            decoded += s.video.decodedFrames();
            dropped += s.droppedVideo();
            hidden += s.video.hiddenDrops();
            droppedAudio += s.droppedAudio();
            shed += s.video.shedFrames();
        }
        return new Totals(speakers.size(), decoded, dropped, hidden, droppedAudio, shed, audioDecoded, silentSkips, errors);
    }

    /** Removes and frees every speaker, those waiting to be freed too (the program has stopped). */
    void closeAll() {
        List<Speaker> all;
        synchronized (this) {
            all = new ArrayList<>(speakers.values());
            speakers.clear();
        }
        synchronized (retired) {
            all.addAll(retired);
            retired.clear();
        }
        for (Speaker s : all) {
            s.close();
        }
    }

    /** Speaker counters of a room, for {@link ProgramStats}. */
    record Totals(int speakers, long decoded, long droppedVideo, long hidden, long droppedAudio, long shed,
                  long audioDecoded, long silentSkips, long errors) {
        Totals {
            if (speakers < 0) {
                throw new IllegalArgumentException("speakers must not be negative, got " + speakers);
            }
        }
    }
}
