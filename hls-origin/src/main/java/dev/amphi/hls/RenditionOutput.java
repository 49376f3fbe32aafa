package dev.amphi.hls;

import dev.amphi.hls.cmaf.CmafWriter;
import dev.amphi.hls.cmaf.Segment;
import dev.amphi.hls.cmaf.VideoSize;
import dev.amphi.hls.playlist.BitrateMeter;
import dev.amphi.hls.playlist.MasterPlaylist;
import dev.amphi.hls.playlist.MediaPlaylist;
import dev.amphi.hls.store.SegmentStore;
import dev.amphi.hls.store.StoredObject;
import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * One rendition directory of a stream ({@code video}, {@code audio}, or a ladder rung such as
 * {@code 720p}): its init segments and media segments in the store, its sliding playlist, and its
 * measured bit rate. Written by the stream's worker thread (or under the ladder's lock); HTTP reads
 * only the volatile {@link #playlistObject()} and the store.
 */
final class RenditionOutput {

    final String dir;
    final MediaPlaylist playlist;
    final BitrateMeter meter;
    private final String stream;
    private final String epoch;
    private final SegmentStore store;
    private final Clock clock;
    private final String cacheControl;
    private CodecConfig config;
    private int initVersion;
    private String initName;
    private long segments;
    private volatile StoredObject playlistObject;

    RenditionOutput(String stream, String dir, String epoch, HlsOriginBuilder.Settings settings, SegmentStore store,
                    String cacheControl) {
        this.stream = stream;
        this.dir = dir;
        this.epoch = epoch;
        this.store = store;
        this.clock = settings.clock();
        this.cacheControl = cacheControl;
        this.playlist = new MediaPlaylist(settings.windowSize());
        this.meter = new BitrateMeter(settings.targetDuration().toNanos() / 1e9);
    }

    private String key(String file) {
        return stream + "/" + dir + "/" + file;
    }

    /** Publishes a segment (and its init segment when new); returns its media sequence number. */
    long add(Segment s) {
        if (s.initVersion() != initVersion || initName == null) {
            byte[] init = CmafWriter.initSegment(s.config());
            initVersion = s.initVersion();
            initName = "init-" + epoch + "-" + initVersion + ".mp4";
            config = s.config();
            store.pin(key(initName), StoredObject.of(init, StoredObject.MP4_TYPE, clock.instant(),
                    StoredObject.IMMUTABLE));
        }
        long sequence = playlist.nextSequence();
        String segName = "seg-" + epoch + "-" + sequence + ".m4s";
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
        segments++;
        publish();
        return sequence;
    }

    /** Appends {@code EXT-X-ENDLIST} (until the next segment). */
    void end() {
        if (!playlist.isEmpty()) {
            playlist.end();
            publish();
        }
    }

    private void publish() {
        if (!playlist.isEmpty()) {
            playlistObject = StoredObject.of(playlist.render().getBytes(StandardCharsets.UTF_8),
                    StoredObject.PLAYLIST_TYPE, clock.instant(), cacheControl);
        }
    }

    boolean hasSegments() {
        return !playlist.isEmpty();
    }

    /** Segments published so far. */
    long segments() {
        return segments;
    }

    /** The rendered playlist, or null before the first segment. */
    StoredObject playlistObject() {
        return playlistObject;
    }

    /** The relative URI of the playlist from the master. */
    String uri() {
        return dir + "/index.m3u8";
    }

    /** The configuration {@link #size} was read from (the SPS is parsed once per configuration). */
    private CodecConfig sizeOf;
    private VideoSize size;

    /** The variant of a video rendition with {@code audio} (or null) as its audio group. */
    MasterPlaylist.Variant variant(RenditionOutput audio) {
        boolean hasAudio = audio != null && audio.hasSegments();
        if (sizeOf != config) {
            sizeOf = config;
            try {
                size = VideoSize.of((AvcConfig) config);
            } catch (IllegalArgumentException e) {
                size = null;   // RESOLUTION is optional; the init segment writer has already rejected unusable SPS
            }
        }
        int width = size == null ? 0 : size.width();
        int height = size == null ? 0 : size.height();
        return new MasterPlaylist.Variant(uri(), hasAudio ? audio.uri() : null, config.rfc6381(),
                hasAudio ? audio.config.rfc6381() : null,
                hasAudio ? ((AacConfig) audio.config).channels() : 0,
                meter.peakBitsPerSecond() + (hasAudio ? audio.meter.peakBitsPerSecond() : 0),
                meter.averageBitsPerSecond() + (hasAudio ? audio.meter.averageBitsPerSecond() : 0),
                width, height, meter.peakSamplesPerSecond());
    }

    /** The variant of an audio-only stream. */
    MasterPlaylist.Variant audioOnlyVariant() {
        return new MasterPlaylist.Variant(null, uri(), null, config.rfc6381(), ((AacConfig) config).channels(),
                meter.peakBitsPerSecond(), meter.averageBitsPerSecond(), 0, 0, 0);
    }
}
