package dev.amphi.hls;

import dev.amphi.hls.cmaf.CmafWriter;
import dev.amphi.hls.cmaf.Segment;
import dev.amphi.hls.cmaf.SegmentListener;
import dev.amphi.hls.cmaf.StreamSegmenter;
import dev.amphi.hls.cmaf.VideoSize;
import dev.amphi.hls.http.ObjectResolver.Lookup;
import dev.amphi.hls.playlist.BitrateMeter;
import dev.amphi.hls.playlist.MasterPlaylist;
import dev.amphi.hls.playlist.MediaPlaylist;
import dev.amphi.hls.store.SegmentStore;
import dev.amphi.hls.store.StoredObject;
import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * One stream of the origin: its segmenter, its two renditions' playlists and the objects they
 * publish into the {@link SegmentStore}. Packets and ends arrive serially on the stream's worker
 * thread, which does all the work; HTTP reads the volatile, immutable playlist objects and the
 * store.
 */
final class StreamPackager implements MediaSink, SegmentListener {

    private final String name;
    private final String epoch;
    private final Clock clock;
    private final SegmentStore store;
    private final String playlistCacheControl;
    private final StreamSegmenter segmenter;
    private final Rendition video;
    private final Rendition audio;

    private volatile StoredObject master;
    private volatile boolean live;
    private volatile boolean closed;

    StreamPackager(String name, HlsOriginBuilder.Settings settings, SegmentStore store) {
        this.name = name;
        this.clock = settings.clock();
        this.store = store;
        this.epoch = Long.toString(clock.millis(), 36);
        long target90k = settings.targetDuration().toNanos() * 9 / 100_000;
        this.playlistCacheControl = "public, max-age=" + Math.max(1, settings.targetDuration().toSeconds() / 2);
        this.segmenter = new StreamSegmenter(name, target90k, clock, this);
        double targetSeconds = settings.targetDuration().toNanos() / 1e9;
        this.video = new Rendition("video", settings.windowSize(), targetSeconds);
        this.audio = new Rendition("audio", settings.windowSize(), targetSeconds);
    }

    /** One rendition's state; written by the worker thread, its playlist object read by HTTP. */
    private final class Rendition {
        final String dir;
        final MediaPlaylist playlist;
        final BitrateMeter meter;
        CodecConfig config;
        int initVersion;
        String initName;
        volatile StoredObject playlistObject;

        Rendition(String dir, int window, double targetSeconds) {
            this.dir = dir;
            this.playlist = new MediaPlaylist(window);
            this.meter = new BitrateMeter(targetSeconds);
        }

        String key(String file) {
            return name + "/" + dir + "/" + file;
        }

        void add(Segment s) {
            if (s.initVersion() != initVersion || initName == null) {
                byte[] init = CmafWriter.initSegment(s.config());
                initVersion = s.initVersion();
                initName = "init-" + epoch + "-" + initVersion + ".mp4";
                config = s.config();
                store.pin(key(initName), StoredObject.of(init, StoredObject.MP4_TYPE, clock.instant(),
                        StoredObject.IMMUTABLE));
            }
            String segName = "seg-" + epoch + "-" + sequenceName() + ".m4s";
            store.pin(key(segName), StoredObject.of(s.data(), StoredObject.MP4_TYPE, clock.instant(),
                    StoredObject.IMMUTABLE));
            List<MediaPlaylist.Entry> removed = playlist.add(segName, s.duration(), s.timescale(), s.discontinuity(),
                    s.programDateTime(), initName, s.size());
            for (MediaPlaylist.Entry old : removed) {
                store.retire(key(old.uri()));
                if (!old.mapUri().equals(initName)
                        && playlist.entries().stream().noneMatch(e -> e.mapUri().equals(old.mapUri()))) {
                    store.retire(key(old.mapUri()));
                }
            }
            meter.add(s.size(), s.seconds(), s.sampleCount());
            publish();
        }

        private long sequenceName() {
            List<MediaPlaylist.Entry> entries = playlist.entries();
            return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).sequence() + 1;
        }

        void publish() {
            if (!playlist.isEmpty()) {
                playlistObject = StoredObject.of(playlist.render().getBytes(StandardCharsets.UTF_8),
                        StoredObject.PLAYLIST_TYPE, clock.instant(), playlistCacheControl);
            }
        }
    }

    @Override
    public void onPacket(MediaPacket packet) {
        if (closed) {
            return;
        }
        live = true;
        segmenter.onPacket(packet);
    }

    @Override
    public void onEnd() {
        if (closed) {
            return;
        }
        live = false;
        segmenter.onEnd();
    }

    @Override
    public void onSegment(Segment segment) {
        (segment.kind() == MediaKind.VIDEO ? video : audio).add(segment);
        publishMaster(false);
    }

    @Override
    public void onSessionEnd() {
        for (Rendition r : List.of(video, audio)) {
            if (!r.playlist.isEmpty()) {
                r.playlist.end();
                r.publish();
            }
        }
        publishMaster(true);
    }

    /** Publishes the master once every track seen has a segment (or the session is over). */
    private void publishMaster(boolean sessionOver) {
        boolean hasVideo = !video.playlist.isEmpty();
        boolean hasAudio = !audio.playlist.isEmpty();
        if (!hasVideo && !hasAudio) {
            return;
        }
        if (!sessionOver && ((segmenter.hasVideo() && !hasVideo) || (segmenter.hasAudio() && !hasAudio))) {
            return;
        }
        int width = 0;
        int height = 0;
        if (hasVideo) {
            try {
                VideoSize size = VideoSize.of((AvcConfig) video.config);
                width = size.width();
                height = size.height();
            } catch (IllegalArgumentException e) {
                // RESOLUTION is optional; the init segment writer has already rejected unusable SPS
            }
        }
        MasterPlaylist.Variant v = new MasterPlaylist.Variant(
                hasVideo ? "video/index.m3u8" : null,
                hasAudio ? "audio/index.m3u8" : null,
                hasVideo ? video.config.rfc6381() : null,
                hasAudio ? audio.config.rfc6381() : null,
                hasAudio ? ((AacConfig) audio.config).channels() : 0,
                video.meter.peakBitsPerSecond() + audio.meter.peakBitsPerSecond(),
                video.meter.averageBitsPerSecond() + audio.meter.averageBitsPerSecond(),
                width, height, video.meter.samplesPerSecond());
        master = StoredObject.of(MasterPlaylist.render(v).getBytes(StandardCharsets.UTF_8),
                StoredObject.PLAYLIST_TYPE, clock.instant(), playlistCacheControl);
    }

    boolean live() {
        return live && !closed;
    }

    Lookup lookup(String path) {
        if (closed) {
            return Lookup.missing("stream " + name + " is not live yet");
        }
        StoredObject o = switch (path) {
            case "master.m3u8" -> master;
            case "video/index.m3u8" -> video.playlistObject;
            case "audio/index.m3u8" -> audio.playlistObject;
            default -> store.get(name + "/" + path);
        };
        if (o != null) {
            return Lookup.found(o);
        }
        if (path.endsWith(".m3u8")) {
            return Lookup.missing("stream " + name + " is not live yet");
        }
        return Lookup.missing("no " + path + " in stream " + name);
    }

    void close() {
        closed = true;
        live = false;
        store.removeAll(name + "/");
    }
}
