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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ladder stream of the origin: the renditions of an encoder ladder ({@code /live/{name}/{rung}/}
 * per video rendition, {@code /live/{name}/audio/}), cut by one {@link StreamSegmenter} with one
 * video track per rung so that the same timestamp is the same media time in every rendition, and
 * the master playlist with one variant per rung.
 *
 * <p>Threads: each sink is called serially by its producer (e.g. one encoder thread per rung and
 * the audio mixer), the sinks of one ladder possibly in parallel; they are serialised by this
 * object's monitor, held for the packaging of one packet (a segment's boxes when one is cut, well
 * under a millisecond for a 2 s 1080p segment). HTTP reads the volatile playlist objects and the
 * store without the lock.
 */
final class LadderPackager implements Packager, SegmentListener, HlsOrigin.Ladder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LadderPackager.class);
    /** A rendition without a segment by the time another has this many is left out of the master. */
    static final int SILENT_RENDITION_SEGMENTS = 3;
    private static final int REMEMBERED_STARTS = 64;

    private final String name;
    private final List<String> renditionNames;
    private final Clock clock;
    private final SegmentStore store;
    private final String playlistCacheControl;
    private final StreamSegmenter segmenter;
    private final RenditionOutput[] video;
    private final RenditionOutput audio;
    private final Map<String, RenditionOutput> byDir = new LinkedHashMap<>();
    private final MediaSink[] videoSinks;
    private final MediaSink audioSink;
    /** Media sequence number of the segments that started at a media time (90 kHz), recent ones. */
    private final Map<Long, Long> sequenceAtStart = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > REMEMBERED_STARTS;
        }
    };
    private String mastered = "";

    private volatile StoredObject master;
    private volatile boolean live;
    private volatile boolean closed;

    LadderPackager(String name, List<String> renditions, String epoch, HlsOriginBuilder.Settings settings,
                   SegmentStore store) {
        this.name = name;
        this.renditionNames = List.copyOf(renditions);
        this.clock = settings.clock();
        this.store = store;
        this.playlistCacheControl = StreamPackager.playlistCacheControl(settings);
        long target90k = settings.targetDuration().toNanos() * 9 / 100_000;
        this.segmenter = new StreamSegmenter(name, renditions.size(), target90k, clock, this);
        this.video = new RenditionOutput[renditions.size()];
        this.videoSinks = new MediaSink[renditions.size()];
        for (int i = 0; i < video.length; i++) {
            video[i] = new RenditionOutput(name, renditions.get(i), epoch, settings, store, playlistCacheControl);
            byDir.put(renditions.get(i), video[i]);
            videoSinks[i] = new TrackSink(MediaKind.VIDEO, i);
        }
        this.audio = new RenditionOutput(name, "audio", epoch, settings, store, playlistCacheControl);
        byDir.put("audio", audio);
        this.audioSink = new TrackSink(MediaKind.AUDIO, 0);
    }

    /** The sink of one track: accepts only its kind, serialised with the ladder's other sinks. */
    private final class TrackSink implements MediaSink {
        private final MediaKind kind;
        private final int track;

        TrackSink(MediaKind kind, int track) {
            this.kind = kind;
            this.track = track;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            if (packet.kind() != kind) {
                throw new IllegalArgumentException("the " + describe() + " sink of ladder " + name + " takes "
                        + kind + " packets, got " + packet);
            }
            synchronized (LadderPackager.this) {
                if (closed) {
                    return;
                }
                segmenter.onPacket(track, packet);
                live = segmenter.inSession();
            }
        }

        @Override
        public void onEnd() {
            synchronized (LadderPackager.this) {
                if (closed) {
                    return;
                }
                segmenter.onTrackEnd(kind, track);
                live = segmenter.inSession();
            }
        }

        private String describe() {
            return kind == MediaKind.AUDIO ? "audio" : "video rendition " + track + " (" + renditionNames.get(track) + ")";
        }
    }

    @Override
    public MediaSink video(int index) {
        if (index < 0 || index >= videoSinks.length) {
            throw new IndexOutOfBoundsException("video rendition " + index + " of ladder " + name + " with renditions "
                    + renditionNames);
        }
        return videoSinks[index];
    }

    @Override
    public MediaSink audio() {
        return audioSink;
    }

    @Override
    public List<String> videoRenditions() {
        return renditionNames;
    }

    @Override
    public void onSegment(Segment segment) {
        if (segment.kind() == MediaKind.AUDIO) {
            audio.add(segment);
        } else {
            RenditionOutput r = video[segment.track()];
            Long inStep = sequenceAtStart.get(segment.baseTime());
            if (!r.hasSegments() && r.playlist.nextSequence() == 0 && inStep != null) {
                r.playlist.startAt(inStep); // a rung that joined late numbers its segments like the others
            }
            long sequence = r.add(segment);
            sequenceAtStart.putIfAbsent(segment.baseTime(), sequence);
        }
        publishMaster(false);
    }

    @Override
    public void onTrackEnd(MediaKind kind, int track) {
        (kind == MediaKind.AUDIO ? audio : video[track]).end();
    }

    @Override
    public void onSessionEnd() {
        for (RenditionOutput r : video) {
            r.end();
        }
        audio.end();
        publishMaster(true);
    }

    /**
     * Publishes the master once every video rendition (and the audio, when it has started) has a
     * segment; when the session is over, or a rendition still has none while another has
     * {@link #SILENT_RENDITION_SEGMENTS}, with the renditions that have one.
     */
    private void publishMaster(boolean sessionOver) {
        List<RenditionOutput> ready = new ArrayList<>(video.length);
        long most = 0;
        for (RenditionOutput r : video) {
            if (r.hasSegments()) {
                ready.add(r);
            }
            most = Math.max(most, r.segments());
        }
        if (ready.isEmpty()) {
            return;
        }
        if (!sessionOver) {
            if (segmenter.hasAudio() && !audio.hasSegments() && most < SILENT_RENDITION_SEGMENTS) {
                return;
            }
            if (ready.size() < video.length && most < SILENT_RENDITION_SEGMENTS) {
                return;
            }
        }
        List<MasterPlaylist.Variant> variants = new ArrayList<>(ready.size());
        List<String> dirs = new ArrayList<>(ready.size());
        for (RenditionOutput r : ready) {
            variants.add(r.variant(audio));
            dirs.add(r.dir);
        }
        if (audio.hasSegments() && !variants.isEmpty()) {
            variants.add(audio.audioOnlyVariant()); // listeners on a weak connection keep following
        }
        String listed = dirs + (audio.hasSegments() ? "+audio" : "");
        if (!listed.equals(mastered)) {
            if (ready.size() < video.length || (segmenter.hasAudio() && !audio.hasSegments())) {
                LOG.warn("ladder {}: master lists {} while other renditions of {} have no segment yet", name, listed,
                        renditionNames);
            }
            mastered = listed;
        }
        master = StoredObject.of(MasterPlaylist.render(variants).getBytes(StandardCharsets.UTF_8),
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
        StoredObject o;
        if (path.equals("master.m3u8")) {
            o = master;
        } else if (path.endsWith("/index.m3u8")) {
            RenditionOutput r = byDir.get(path.substring(0, path.length() - "/index.m3u8".length()));
            o = r != null ? r.playlistObject() : null;
        } else {
            o = store.get(name + "/" + path);
        }
        if (o != null) {
            return Lookup.found(o);
        }
        if (path.endsWith(".m3u8")) {
            int slash = path.indexOf('/');
            if (slash > 0 && !byDir.containsKey(path.substring(0, slash))) {
                return Lookup.missing("no rendition " + path.substring(0, slash) + " in stream " + name
                        + " (renditions " + renditionNames + " and audio)");
            }
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
