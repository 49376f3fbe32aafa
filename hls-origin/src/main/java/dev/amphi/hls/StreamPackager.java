package dev.amphi.hls;

import dev.amphi.hls.cmaf.Segment;
import dev.amphi.hls.cmaf.SegmentListener;
import dev.amphi.hls.cmaf.StreamSegmenter;
import dev.amphi.hls.http.ObjectResolver.Lookup;
import dev.amphi.hls.playlist.MasterPlaylist;
import dev.amphi.hls.store.SegmentStore;
import dev.amphi.hls.store.StoredObject;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * One passthrough stream of the origin (one publisher's muxed packets): its segmenter, its two
 * renditions ({@code video/}, {@code audio/}) and the master playlist. Packets and ends arrive
 * serially on the stream's worker thread, which does all the work; HTTP reads the volatile,
 * immutable playlist objects and the store. The monitor is only contended when the origin
 * replaces the stream ({@link #close} waits for the packet in progress).
 */
final class StreamPackager implements Packager, MediaSink, SegmentListener {

    private final String name;
    private final Clock clock;
    private final SegmentStore store;
    private final String playlistCacheControl;
    private final StreamSegmenter segmenter;
    private final RenditionOutput video;
    private final RenditionOutput audio;

    private volatile StoredObject master;
    private volatile boolean live;
    private volatile boolean closed;

    StreamPackager(String name, String epoch, HlsOriginBuilder.Settings settings, SegmentStore store) {
        this.name = name;
        this.clock = settings.clock();
        this.store = store;
        long target90k = settings.targetDuration().toNanos() * 9 / 100_000;
        this.playlistCacheControl = playlistCacheControl(settings);
        this.segmenter = new StreamSegmenter(name, target90k, clock, this);
        this.video = new RenditionOutput(name, "video", epoch, settings, store, playlistCacheControl);
        this.audio = new RenditionOutput(name, "audio", epoch, settings, store, playlistCacheControl);
    }

    static String playlistCacheControl(HlsOriginBuilder.Settings settings) {
        return "public, max-age=" + Math.max(1, settings.targetDuration().toSeconds() / 2);
    }

    @Override
    public synchronized void onPacket(MediaPacket packet) {
        if (closed) {
            return;
        }
        live = true;
        segmenter.onPacket(packet);
    }

    @Override
    public synchronized void onEnd() {
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
        video.end();
        audio.end();
        publishMaster(true);
    }

    /** Publishes the master once every track seen has a segment (or the session is over). */
    private void publishMaster(boolean sessionOver) {
        boolean hasVideo = video.hasSegments();
        boolean hasAudio = audio.hasSegments();
        if (!hasVideo && !hasAudio) {
            return;
        }
        if (!sessionOver && ((segmenter.hasVideo() && !hasVideo) || (segmenter.hasAudio() && !hasAudio))) {
            return;
        }
        MasterPlaylist.Variant v = hasVideo ? video.variant(audio) : audio.audioOnlyVariant();
        master = StoredObject.of(MasterPlaylist.render(v).getBytes(StandardCharsets.UTF_8),
                StoredObject.PLAYLIST_TYPE, clock.instant(), playlistCacheControl);
    }

    @Override
    public boolean live() {
        return live && !closed;
    }

    @Override
    public Lookup lookup(String path) {
        if (closed) {
            return Lookup.missing("stream " + name + " is not live yet");
        }
        StoredObject o = switch (path) {
            case "master.m3u8" -> master;
            case "video/index.m3u8" -> video.playlistObject();
            case "audio/index.m3u8" -> audio.playlistObject();
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

    @Override
    public synchronized void close() {
        closed = true;
        live = false;
        store.removeAll(name + "/");
    }
}
