package dev.amphi.hls.cmaf;

import java.nio.ByteBuffer;
import java.util.List;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.Header;

/** {@code mdat}: the samples of one fragment, back to back (jcodec has no writable mdat box). */
final class MediaDataBox extends Box {

    private final List<Sample> samples;

    MediaDataBox(List<Sample> samples) {
        super(new Header("mdat"));
        this.samples = samples;
    }

    @Override
    public void parse(ByteBuffer input) {
        throw new UnsupportedOperationException("mdat is write-only here");
    }

    @Override
    protected void doWrite(ByteBuffer out) {
        for (Sample s : samples) {
            out.put(s.data());
        }
    }

    @Override
    public int estimateSize() {
        int size = 8;
        for (Sample s : samples) {
            size += s.data().length;
        }
        return size;
    }
}
