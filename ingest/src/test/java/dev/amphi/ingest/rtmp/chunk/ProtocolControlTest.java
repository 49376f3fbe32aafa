package dev.amphi.ingest.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import dev.amphi.ingest.rtmp.testing.Fixtures.ChunkBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol control messages the chunk layer applies itself, observed on the wire. */
class ProtocolControlTest {

    private static List<RtmpMessage> outbound(EmbeddedChannel ch) {
        ChunkDecoder d = new ChunkDecoder(1 << 20, 1 << 20);
        MessageAssembler a = new MessageAssembler(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 1 << 20);
        List<RtmpMessage> out = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        Chunk c;
        while ((c = d.decode(all)) != null) {
            RtmpMessage m = a.accept(c);
            if (m != null) {
                out.add(m);
            }
        }
        all.release();
        return out;
    }

    @Test
    void acknowledgesEveryWindowOfReceivedBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkStreamEncoder(), new ChunkStreamDecoder(1 << 20, 1 << 20));
        byte[] window = new ChunkBytes().type0(2, 0, 4, MessageType.WINDOW_ACK_SIZE, 0).data(new byte[] {0, 0, 0x03, (byte) 0xe8}).bytes();
        ch.writeInbound(Unpooled.wrappedBuffer(window));
        assertThat(outbound(ch)).as("no ack before a window is full").isEmpty();
        byte[] audio = new ChunkBytes().type0(4, 0, 600, 8, 1).data(new byte[128]).type3(4).data(new byte[128])
                .type3(4).data(new byte[128]).type3(4).data(new byte[128]).type3(4).data(new byte[88]).bytes();
        ch.writeInbound(Unpooled.wrappedBuffer(audio));
        ch.writeInbound(Unpooled.wrappedBuffer(audio));
        List<RtmpMessage> acks = outbound(ch);
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).typeId()).isEqualTo(MessageType.ACKNOWLEDGEMENT);
        assertThat(ProtocolControl.readU32(acks.get(0))).isEqualTo(window.length + 2L * audio.length);
        acks.forEach(RtmpMessage::release);
        RtmpMessage m;
        int messages = 0;
        while ((m = ch.readInbound()) != null) {
            messages++;
            m.release();
        }
        assertThat(messages).as("the window ack size message is consumed, the audio passes").isEqualTo(2);
        ch.finishAndReleaseAll();
    }

    @Test
    void ourSetChunkSizeAppliesToTheMessagesAfterIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkStreamEncoder());
        ch.writeOutbound(ProtocolControl.setChunkSize(ch.alloc(), 4096));
        ch.writeOutbound(new RtmpMessage(3, MessageType.COMMAND_AMF0, 0, 0, Unpooled.wrappedBuffer(new byte[3000])));
        ByteBuf first = ch.readOutbound();
        ByteBuf second = ch.readOutbound();
        assertThat(first.readableBytes()).isEqualTo(12 + 4);
        assertThat(second.readableBytes()).as("one chunk: 12-byte header + 3000 bytes").isEqualTo(12 + 3000);
        first.release();
        second.release();
        ch.finishAndReleaseAll();
    }
}
