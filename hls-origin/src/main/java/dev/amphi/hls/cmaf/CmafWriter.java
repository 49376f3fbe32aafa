package dev.amphi.hls.cmaf;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaPacket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.jcodec.codecs.mpeg4.mp4.EsdsBox;
import org.jcodec.containers.mp4.boxes.AudioSampleEntry;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.ChunkOffsetsBox;
import org.jcodec.containers.mp4.boxes.DataInfoBox;
import org.jcodec.containers.mp4.boxes.DataRefBox;
import org.jcodec.containers.mp4.boxes.FileTypeBox;
import org.jcodec.containers.mp4.boxes.Header;
import org.jcodec.containers.mp4.boxes.MediaBox;
import org.jcodec.containers.mp4.boxes.MediaHeaderBox;
import org.jcodec.containers.mp4.boxes.MediaInfoBox;
import org.jcodec.containers.mp4.boxes.MovieBox;
import org.jcodec.containers.mp4.boxes.MovieExtendsBox;
import org.jcodec.containers.mp4.boxes.MovieFragmentBox;
import org.jcodec.containers.mp4.boxes.MovieFragmentHeaderBox;
import org.jcodec.containers.mp4.boxes.MovieHeaderBox;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.SampleDescriptionBox;
import org.jcodec.containers.mp4.boxes.SampleEntry;
import org.jcodec.containers.mp4.boxes.SampleSizesBox;
import org.jcodec.containers.mp4.boxes.SampleToChunkBox;
import org.jcodec.containers.mp4.boxes.SegmentTypeBox;
import org.jcodec.containers.mp4.boxes.SoundMediaHeaderBox;
import org.jcodec.containers.mp4.boxes.TimeToSampleBox;
import org.jcodec.containers.mp4.boxes.TrackExtendsBox;
import org.jcodec.containers.mp4.boxes.TrackFragmentBaseMediaDecodeTimeBox;
import org.jcodec.containers.mp4.boxes.TrackFragmentBox;
import org.jcodec.containers.mp4.boxes.TrackFragmentHeaderBox;
import org.jcodec.containers.mp4.boxes.TrackHeaderBox;
import org.jcodec.containers.mp4.boxes.TrakBox;
import org.jcodec.containers.mp4.boxes.TrunBox;
import org.jcodec.containers.mp4.boxes.UrlBox;
import org.jcodec.containers.mp4.boxes.VideoMediaHeaderBox;
import org.jcodec.containers.mp4.boxes.VideoSampleEntry;

/**
 * Writes CMAF (ISO/IEC 23000-19) single-track init segments ({@code ftyp+moov} with {@code mvex})
 * and media segments ({@code styp+moof+mdat}) with jcodec's MP4 boxes. Every rendition is its own
 * single-track file with track ID 1. Pure functions; safe on any thread.
 */
public final class CmafWriter {

    /** The only track of every rendition. */
    public static final int TRACK_ID = 1;

    /** sample_depends_on = 2 (an I picture). */
    static final int SYNC_SAMPLE_FLAGS = 0x02000000;
    /** sample_depends_on = 1 and sample_is_non_sync_sample. */
    static final int NON_SYNC_SAMPLE_FLAGS = 0x01010000;

    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    private static final byte[] ZERO4 = new byte[4];

    private CmafWriter() {
    }

    /** Timescale of a track's media: 90 kHz for video, the sample rate for audio. */
    public static int timescale(CodecConfig config) {
        return config instanceof AacConfig aac ? aac.sampleRate() : MediaPacket.TIMESCALE;
    }

    /** The init segment of a single-track rendition for {@code config}. */
    public static byte[] initSegment(CodecConfig config) {
        boolean video = config instanceof AvcConfig;
        int timescale = timescale(config);
        FileTypeBox ftyp = FileTypeBox.createFileTypeBox("iso6", 0, List.of("iso6", "cmfc", "mp41"));

        MovieBox moov = MovieBox.createMovieBox();
        int[] matrix = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};
        moov.add(MovieHeaderBox.createMovieHeaderBox(1000, 0, 1.0f, video ? 0f : 1.0f, 0, 0, matrix, TRACK_ID + 1));

        TrakBox trak = TrakBox.createTrakBox();
        int width = 0;
        int height = 0;
        if (video) {
            try {
                VideoSize size = VideoSize.of((AvcConfig) config);
                width = size.width();
                height = size.height();
            } catch (IllegalArgumentException e) {
                // decoders read the size from the SPS themselves; the boxes then say 0x0
            }
        }
        TrackHeaderBox tkhd = TrackHeaderBox.createTrackHeaderBox(TRACK_ID, 0,
                width, height, 0, 0, video ? 0f : 1.0f, (short) 0, 0, matrix);
        tkhd.setFlags(0x3); // enabled, in movie
        trak.add(tkhd);

        MediaBox mdia = MediaBox.createMediaBox();
        mdia.add(MediaHeaderBox.createMediaHeaderBox(timescale, 0, 0x55c4 /* und */, 0, 0, 0));
        mdia.add(new NamedHandlerBox(video ? "vide" : "soun", video ? "Amphi video" : "Amphi audio"));
        MediaInfoBox minf = MediaInfoBox.createMediaInfoBox();
        if (video) {
            VideoMediaHeaderBox vmhd = VideoMediaHeaderBox.createVideoMediaHeaderBox(0, 0, 0, 0);
            vmhd.setFlags(1);
            minf.add(vmhd);
        } else {
            minf.add(SoundMediaHeaderBox.createSoundMediaHeaderBox());
        }
        DataInfoBox dinf = DataInfoBox.createDataInfoBox();
        DataRefBox dref = DataRefBox.createDataRefBox();
        UrlBox url = UrlBox.createUrlBox(null);
        url.setFlags(1); // media data in the same file
        dref.add(url);
        dinf.add(dref);
        minf.add(dinf);

        NodeBox stbl = new NodeBox(new Header("stbl"));
        stbl.add(SampleDescriptionBox.createSampleDescriptionBox(new SampleEntry[] {
            video ? videoEntry((AvcConfig) config, width, height) : audioEntry((AacConfig) config)}));
        stbl.add(TimeToSampleBox.createTimeToSampleBox(new TimeToSampleBox.TimeToSampleEntry[0]));
        stbl.add(SampleToChunkBox.createSampleToChunkBox(new SampleToChunkBox.SampleToChunkEntry[0]));
        stbl.add(SampleSizesBox.createSampleSizesBox2(new int[0]));
        stbl.add(ChunkOffsetsBox.createChunkOffsetsBox(new long[0]));
        minf.add(stbl);
        mdia.add(minf);
        trak.add(mdia);
        moov.add(trak);

        MovieExtendsBox mvex = MovieExtendsBox.createMovieExtendsBox();
        TrackExtendsBox trex = TrackExtendsBox.createTrackExtendsBox();
        trex.setTrackId(TRACK_ID);
        trex.setDefaultSampleDescriptionIndex(1);
        mvex.add(trex);
        moov.add(mvex);

        return write(4096 + config.record().length, ftyp, moov);
    }

    private static SampleEntry videoEntry(AvcConfig config, int width, int height) {
        VideoSampleEntry avc1 = VideoSampleEntry.createVideoSampleEntry(new Header("avc1"), (short) 0, (short) 0,
                new String(ZERO4, java.nio.charset.StandardCharsets.ISO_8859_1), 0, 0,
                (short) width, (short) height, 72, 72, (short) 1, "", (short) 24, (short) 1, (short) -1);
        avc1.add(new RawBox("avcC", config.record()));
        return avc1;
    }

    private static SampleEntry audioEntry(AacConfig config) {
        int channels = config.channels() > 0 ? config.channels() : 2;
        int rate = config.sampleRate() < 65536 ? config.sampleRate() : 0;
        AudioSampleEntry mp4a = AudioSampleEntry.createAudioSampleEntry(new Header("mp4a"), (short) 1,
                (short) channels, (short) 16, rate, (short) 0, 0, 0, 0, 0, 0, 0, 0, (short) 0);
        mp4a.add(EsdsBox.createEsdsBox(ByteBuffer.wrap(config.record()), 0x40, 0, 0, 0, TRACK_ID));
        return mp4a;
    }

    /**
     * One media segment: {@code styp}, then one {@code moof} with a version-1 {@code tfdt} and a
     * version-1 {@code trun} (signed composition offsets), then the {@code mdat}.
     *
     * @param sequenceNumber     {@code mfhd} sequence number, 1-based and increasing per rendition
     * @param baseMediaDecodeTime decode time of the first sample in the track's timescale
     * @param samples            at least one sample, in decode order
     * @param video              whether per-sample flags and composition offsets are written
     */
    public static byte[] mediaSegment(int sequenceNumber, long baseMediaDecodeTime, List<Sample> samples,
                                      boolean video) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a media segment needs at least one sample");
        }
        if (baseMediaDecodeTime < 0) {
            throw new IllegalArgumentException("base media decode time must not be negative, was " + baseMediaDecodeTime);
        }
        int n = samples.size();
        int[] durations = new int[n];
        int[] sizes = new int[n];
        int[] flags = new int[n];
        int[] ctos = new int[n];
        long payload = 0;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            durations[i] = s.duration();
            sizes[i] = s.data().length;
            flags[i] = s.sync() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS;
            ctos[i] = s.compositionOffset();
            payload += sizes[i];
        }
        if (payload > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("segment payload of " + payload + " bytes is too large");
        }
        SegmentTypeBox styp = SegmentTypeBox.createSegmentTypeBox("msdh", 0, List.of("msdh", "msix"));
        MovieFragmentBox moof = MovieFragmentBox.createMovieFragmentBox();
        MovieFragmentHeaderBox mfhd = MovieFragmentHeaderBox.createMovieFragmentHeaderBox();
        mfhd.setSequenceNumber(sequenceNumber);
        moof.add(mfhd);
        TrackFragmentBox traf = TrackFragmentBox.createTrackFragmentBox();
        TrackFragmentHeaderBox.Factory tfhdFactory = TrackFragmentHeaderBox.create(TRACK_ID);
        if (!video) {
            tfhdFactory.defaultSampleFlags(SYNC_SAMPLE_FLAGS);
        }
        TrackFragmentHeaderBox tfhd = tfhdFactory.create();
        tfhd.setFlags(tfhd.getFlags() | TFHD_DEFAULT_BASE_IS_MOOF);
        traf.add(tfhd);
        TrackFragmentBaseMediaDecodeTimeBox tfdt =
                TrackFragmentBaseMediaDecodeTimeBox.createTrackFragmentBaseMediaDecodeTimeBox(baseMediaDecodeTime);
        tfdt.setVersion((byte) 1);
        traf.add(tfdt);
        TrunBox.Factory trunFactory = TrunBox.create(n).dataOffset(0).sampleDuration(durations).sampleSize(sizes);
        if (video) {
            trunFactory.sampleFlags(flags).sampleCompositionOffset(ctos);
        }
        TrunBox trun = trunFactory.create();
        trun.setVersion((byte) 1);
        traf.add(trun);
        moof.add(traf);

        ByteBuffer head = ByteBuffer.allocate(1024 + n * 16);
        moof.write(head);
        trun.setDataOffset(head.position() + 8); // from the start of moof to the first byte in mdat
        head.clear();
        styp.write(head);
        moof.write(head);
        byte[] out = new byte[head.position() + 8 + (int) payload];
        ByteBuffer buf = ByteBuffer.wrap(out);
        buf.put(head.array(), 0, head.position());
        new MediaDataBox(samples).write(buf);
        if (buf.hasRemaining()) {
            throw new IllegalStateException("media segment size mismatch: " + buf.remaining() + " bytes left");
        }
        return out;
    }

    private static byte[] write(int capacity, Box... boxes) {
        ByteBuffer buf = ByteBuffer.allocate(capacity);
        for (Box b : boxes) {
            b.write(buf);
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }
}
