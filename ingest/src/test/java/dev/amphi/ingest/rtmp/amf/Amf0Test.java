package dev.amphi.ingest.rtmp.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** AMF0 round trips: one table of {name, bytes, value} drives decoding and encoding. */
class Amf0Test {

    record Row(String name, String hex, Object value, boolean encodes) {
        byte[] bytes() {
            return HexFormat.of().parseHex(hex.replace(" ", ""));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, String hex, Object value) {
        return new Row(name, hex, value, true);
    }

    static Row decodeOnly(String name, String hex, Object value) {
        return new Row(name, hex, value, false);
    }

    static String longStringHex() {
        return "0c 00 01 11 71 70" + "61".repeat(70_000);
    }

    static Stream<Row> table() {
        Map<String, Object> connect = new LinkedHashMap<>();
        connect.put("app", "live");
        connect.put("flashVer", "FMLE/3.0");
        connect.put("audioCodecs", 3191.0);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", new ArrayList<>(List.of(1.0, "x")));
        nested.put("b", new LinkedHashMap<>(Map.of("c", true)));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("width", 1280.0);
        meta.put("height", 720.0);
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("k", 1.0);
        return Stream.of(
                row("number", "00 40 8f 40 00 00 00 00 00", 1000.0),
                row("negative number", "00 bf f0 00 00 00 00 00 00", -1.0),
                row("true", "01 01", true),
                row("false", "01 00", false),
                row("string", "02 00 07 63 6f 6e 6e 65 63 74", "connect"),
                row("empty string", "02 00 00", ""),
                row("utf-8 string", "02 00 03 e2 82 ac", "€"),
                row("long string", longStringHex(), "p" + "a".repeat(70_000)),
                decodeOnly("short long string", "0c 00 00 00 02 68 69", "hi"),
                row("null", "05", null),
                row("undefined", "06", Amf0.Undefined.UNDEFINED),
                row("object", "03 00 03 61 70 70 02 00 04 6c 69 76 65"
                        + " 00 08 66 6c 61 73 68 56 65 72 02 00 08 46 4d 4c 45 2f 33 2e 30"
                        + " 00 0b 61 75 64 69 6f 43 6f 64 65 63 73 00 40 a8 ee 00 00 00 00 00"
                        + " 00 00 09", connect),
                row("empty object", "03 00 00 09", new LinkedHashMap<>()),
                row("nested object and strict array", "03 00 01 61 0a 00 00 00 02 00 3f f0 00 00 00 00 00 00 02 00 01 78"
                        + " 00 01 62 03 00 01 63 01 01 00 00 09 00 00 09", nested),
                row("ECMA array", "08 00 00 00 02 00 05 77 69 64 74 68 00 40 94 00 00 00 00 00 00"
                        + " 00 06 68 65 69 67 68 74 00 40 86 80 00 00 00 00 00 00 00 09", new Amf0.EcmaArray(meta)),
                decodeOnly("ECMA array with a wrong count", "08 00 00 00 09 00 05 77 69 64 74 68 00 40 94 00 00 00 00 00 00"
                        + " 00 06 68 65 69 67 68 74 00 40 86 80 00 00 00 00 00 00 00 09", new Amf0.EcmaArray(meta)),
                row("strict array", "0a 00 00 00 03 00 3f f0 00 00 00 00 00 00 05 06",
                        Arrays.asList(1.0, null, Amf0.Undefined.UNDEFINED)),
                row("date", "0b 42 77 48 76 e8 00 00 00 00 00", new Amf0.AmfDate(1.6e12, (short) 0)),
                decodeOnly("reference to an earlier object", "0a 00 00 00 02 03 00 01 6b 00 3f f0 00 00 00 00 00 00 00 00 09 07 00 01",
                        Arrays.asList(shared, shared)));
    }

    @ParameterizedTest
    @MethodSource("table")
    void decodes(Row r) {
        ByteBuf in = Unpooled.wrappedBuffer(r.bytes());
        assertThat(Amf0.decode(in)).isEqualTo(r.value());
        assertThat(in.isReadable()).as("everything consumed").isFalse();
    }

    @ParameterizedTest
    @MethodSource("table")
    void encodes(Row r) {
        if (!r.encodes()) {
            return;
        }
        ByteBuf out = Unpooled.buffer();
        Amf0.encode(r.value(), out);
        assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(out))).isEqualTo(HexFormat.of().formatHex(r.bytes()));
    }

    @ParameterizedTest
    @MethodSource("table")
    void everyTruncationFailsWithAPreciseError(Row r) {
        byte[] b = r.bytes();
        if (b.length > 1000) {
            b = Arrays.copyOf(b, 1000);
            assertThatThrownBy(decoding(b)).isInstanceOf(CorruptedFrameException.class);
            return;
        }
        for (int n = 0; n < b.length; n++) {
            byte[] cut = Arrays.copyOf(b, n);
            if (n == 0) {
                assertThatThrownBy(decoding(cut)).hasMessageContaining("truncated AMF0 type marker");
            } else {
                assertThatThrownBy(decoding(cut)).as("cut at " + n).isInstanceOf(CorruptedFrameException.class)
                        .hasMessageMatching("(truncated AMF0 |AMF0 [a-zA-Z ]+ claims ).*");
            }
        }
    }

    private static org.assertj.core.api.ThrowableAssert.ThrowingCallable decoding(byte[] b) {
        return () -> Amf0.decode(Unpooled.wrappedBuffer(b));
    }

    @Test
    void decodeAllReadsACommand() {
        ByteBuf b = Unpooled.buffer();
        Amf0.encodeAll(b, "createStream", 2.0, null);
        assertThat(Amf0.decodeAll(b)).containsExactly("createStream", 2.0, null);
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < Amf0.MAX_DEPTH + 1; i++) {
            b.writeByte(0x0a).writeInt(1);
        }
        b.writeByte(0x05);
        assertThatThrownBy(() -> Amf0.decode(b)).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("AMF0 nesting deeper than 32");
    }

    @Test
    void refusesCountsLargerThanTheRemainingBytes() {
        ByteBuf b = Unpooled.buffer().writeByte(0x0a).writeInt(0x7fffffff).writeByte(5);
        assertThatThrownBy(() -> Amf0.decode(b)).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("AMF0 strict array claims 2147483647 but only 1 bytes are left");
    }

    @Test
    void refusesAStrayObjectEndAndUnsupportedMarkers() {
        assertThatThrownBy(() -> Amf0.decode(Unpooled.wrappedBuffer(new byte[] {9})))
                .hasMessage("AMF0 object-end marker outside an object");
        assertThatThrownBy(() -> Amf0.decode(Unpooled.wrappedBuffer(new byte[] {0x11})))
                .hasMessage("unsupported AMF0 type marker 0x11 at offset 0");
        assertThatThrownBy(() -> Amf0.decode(Unpooled.wrappedBuffer(new byte[] {7, 0, 3})))
                .hasMessage("AMF0 reference 3 to one of 0 objects");
    }

    @Test
    void refusesJavaTypesWithoutAMapping() {
        assertThatThrownBy(() -> Amf0.encode(new Object(), Unpooled.buffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThat("x".getBytes(StandardCharsets.UTF_8)).hasSize(1);
    }
}
