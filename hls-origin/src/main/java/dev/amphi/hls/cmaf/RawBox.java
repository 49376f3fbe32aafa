package dev.amphi.hls.cmaf;

import java.nio.ByteBuffer;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.Header;

/**
 * A box whose body is given verbatim, e.g. {@code avcC} carrying the publisher's own
 * AVCDecoderConfigurationRecord byte for byte (jcodec's AvcCBox re-serializes it and drops the
 * High-profile chroma/bit-depth tail).
 */
final class RawBox extends Box {

    private final byte[] body;

    RawBox(String fourcc, byte[] body) {
        super(new Header(fourcc));
        this.body = body.clone();
    }

    @Override
    public void parse(ByteBuffer input) {
        throw new UnsupportedOperationException(getFourcc() + " is write-only here");
    }

    @Override
    protected void doWrite(ByteBuffer out) {
        out.put(body);
    }

    @Override
    public int estimateSize() {
        return 8 + body.length;
    }
}
