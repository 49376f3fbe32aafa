package dev.amphi.hls.cmaf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jcodec.containers.mp4.boxes.FullBox;
import org.jcodec.containers.mp4.boxes.Header;

/**
 * {@code hdlr} as ISO/IEC 14496-12 8.4.3 has it: pre_defined, handler type, three reserved words
 * and a null-terminated name. jcodec's HandlerBox cannot be given a name and then writes none,
 * which strict parsers (browsers' MSE) may refuse.
 */
final class NamedHandlerBox extends FullBox {

    private final String handlerType;
    private final String name;

    NamedHandlerBox(String handlerType, String name) {
        super(new Header("hdlr"));
        if (handlerType.length() != 4) {
            throw new IllegalArgumentException("handler type must have 4 characters, was '" + handlerType + "'");
        }
        this.handlerType = handlerType;
        this.name = name;
    }

    @Override
    public void parse(ByteBuffer input) {
        throw new UnsupportedOperationException("hdlr is write-only here");
    }

    @Override
    protected void doWrite(ByteBuffer out) {
        super.doWrite(out);
        out.putInt(0);
        out.put(handlerType.getBytes(StandardCharsets.US_ASCII));
        out.putInt(0).putInt(0).putInt(0);
        out.put(name.getBytes(StandardCharsets.UTF_8));
        out.put((byte) 0);
    }

    @Override
    public int estimateSize() {
        return 8 + 4 + 4 + 4 + 12 + name.getBytes(StandardCharsets.UTF_8).length + 1;
    }
}
