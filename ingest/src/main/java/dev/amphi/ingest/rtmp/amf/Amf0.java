package dev.amphi.ingest.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 (Action Message Format 0, Adobe's spec of 2006) encoder and decoder as pure functions over
 * {@link ByteBuf}.
 *
 * <p>Java mapping: number ↔ {@link Double} (any {@link Number} is encoded as a number), boolean ↔
 * {@link Boolean}, string and long string ↔ {@link String} (strings over 65535 UTF-8 bytes are
 * encoded as long strings), object ↔ {@link Map} with String keys (decoded as a
 * {@link LinkedHashMap}, key order kept), ECMA array ↔ {@link EcmaArray}, strict array ↔
 * {@link List}, date ↔ {@link AmfDate}, null ↔ {@code null}, undefined ↔ {@link Undefined#UNDEFINED}.
 * A reference decodes to the object it points to (the encoder never writes references). The
 * object-end marker is only valid where an object, ECMA array or typed object ends.
 *
 * <p>Limits: nesting deeper than {@link #MAX_DEPTH} and element counts larger than the bytes that
 * remain are refused, so a hostile message can cost no more than its own size. Every error is a
 * {@link CorruptedFrameException} naming what was wrong.
 */
public final class Amf0 {

    /** Deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 32;

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int MOVIECLIP = 0x04;
    static final int NULL = 0x05;
    static final int UNDEFINED = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int UNSUPPORTED = 0x0D;
    static final int XML_DOCUMENT = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS = 0x11;

    /** The AMF0 undefined value. */
    public enum Undefined { UNDEFINED }

    /** An ECMA (associative) array: like an object, with a count hint on the wire. */
    public record EcmaArray(Map<String, Object> entries) {
        public EcmaArray {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
    }

    /** An AMF0 date: milliseconds since the epoch and a time-zone field (reserved, normally 0). */
    public record AmfDate(double epochMillis, short timeZone) {
    }

    private Amf0() {
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes every value until the buffer is empty. */
    public static List<Object> decodeAll(ByteBuf in) {
        Decoder d = new Decoder(in);
        List<Object> out = new ArrayList<>();
        while (in.isReadable()) {
            out.add(d.value(0));
        }
        return out;
    }

    /** Decodes one value. */
    public static Object decode(ByteBuf in) {
        return new Decoder(in).value(0);
    }

    private static final class Decoder {
        private final ByteBuf in;
        private final List<Object> references = new ArrayList<>();

        Decoder(ByteBuf in) {
            this.in = in;
        }

        Object value(int depth) {
            need(1, "type marker");
            int marker = in.readUnsignedByte();
            switch (marker) {
                case NUMBER:
                    need(8, "number");
                    return in.readDouble();
                case BOOLEAN:
                    need(1, "boolean");
                    return in.readByte() != 0;
                case STRING:
                    return utf8(shortLength("string"), "string");
                case LONG_STRING:
                case XML_DOCUMENT:
                    return utf8(longLength("long string"), "long string");
                case NULL:
                    return null;
                case UNDEFINED:
                case UNSUPPORTED:
                    return Undefined.UNDEFINED;
                case REFERENCE: {
                    need(2, "reference");
                    int index = in.readUnsignedShort();
                    if (index >= references.size()) {
                        throw new CorruptedFrameException("AMF0 reference " + index + " to one of "
                                + references.size() + " objects");
                    }
                    return references.get(index);
                }
                case OBJECT: {
                    Map<String, Object> map = new LinkedHashMap<>();
                    references.add(map);
                    properties(map, depth + 1, "object");
                    return map;
                }
                case TYPED_OBJECT: {
                    utf8(shortLength("class name"), "class name");
                    Map<String, Object> map = new LinkedHashMap<>();
                    references.add(map);
                    properties(map, depth + 1, "typed object");
                    return map;
                }
                case ECMA_ARRAY: {
                    need(4, "ECMA array count");
                    in.readUnsignedInt(); // a hint only; the end marker terminates the array
                    Map<String, Object> map = new LinkedHashMap<>();
                    int slot = references.size();
                    references.add(map);
                    properties(map, depth + 1, "ECMA array");
                    EcmaArray array = new EcmaArray(map);
                    references.set(slot, array);
                    return array;
                }
                case STRICT_ARRAY: {
                    checkDepth(depth + 1);
                    long count = longLength("strict array");
                    List<Object> list = new ArrayList<>((int) count);
                    references.add(list);
                    for (long i = 0; i < count; i++) {
                        list.add(value(depth + 1));
                    }
                    return list;
                }
                case DATE:
                    need(10, "date");
                    return new AmfDate(in.readDouble(), in.readShort());
                case OBJECT_END:
                    throw new CorruptedFrameException("AMF0 object-end marker outside an object");
                case MOVIECLIP:
                case AVMPLUS:
                default:
                    throw new CorruptedFrameException("unsupported AMF0 type marker 0x"
                            + Integer.toHexString(marker) + " at offset " + (in.readerIndex() - 1));
            }
        }

        private void properties(Map<String, Object> map, int depth, String what) {
            checkDepth(depth);
            while (true) {
                String key = utf8(shortLength(what + " key"), what + " key");
                if (key.isEmpty()) {
                    need(1, what + " end marker");
                    int marker = in.readUnsignedByte();
                    if (marker == OBJECT_END) {
                        return;
                    }
                    in.readerIndex(in.readerIndex() - 1);
                }
                map.put(key, value(depth));
            }
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw new CorruptedFrameException("AMF0 nesting deeper than " + MAX_DEPTH);
            }
        }

        private int shortLength(String what) {
            need(2, what + " length");
            return in.readUnsignedShort();
        }

        /** A 32-bit count or length, bounded by the bytes left (each element needs at least one). */
        private long longLength(String what) {
            need(4, what + " length");
            long n = in.readUnsignedInt();
            if (n > in.readableBytes()) {
                throw new CorruptedFrameException("AMF0 " + what + " claims " + n + " but only "
                        + in.readableBytes() + " bytes are left");
            }
            return n;
        }

        private String utf8(long length, String what) {
            need(length, what);
            String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
            in.skipBytes((int) length);
            return s;
        }

        private void need(long n, String what) {
            if (in.readableBytes() < n) {
                throw new CorruptedFrameException("truncated AMF0 " + what + ": need " + n + " bytes, "
                        + in.readableBytes() + " left");
            }
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Encodes the values in order. */
    public static void encodeAll(ByteBuf out, Object... values) {
        for (Object v : values) {
            encode(v, out);
        }
    }

    /**
     * Encodes one value.
     *
     * @throws IllegalArgumentException for a Java type with no AMF0 mapping
     */
    public static void encode(Object value, ByteBuf out) {
        encode(value, out, 0);
    }

    private static void encode(Object value, ByteBuf out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 nesting deeper than " + MAX_DEPTH);
        }
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Number n) {
            out.writeByte(NUMBER).writeDouble(n.doubleValue());
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (value instanceof CharSequence s) {
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xFFFF) {
                out.writeByte(LONG_STRING).writeInt(bytes.length).writeBytes(bytes);
            } else {
                out.writeByte(STRING).writeShort(bytes.length).writeBytes(bytes);
            }
        } else if (value == Undefined.UNDEFINED) {
            out.writeByte(UNDEFINED);
        } else if (value instanceof EcmaArray a) {
            out.writeByte(ECMA_ARRAY).writeInt(a.entries().size());
            properties(a.entries(), out, depth + 1);
        } else if (value instanceof Map<?, ?> m) {
            out.writeByte(OBJECT);
            properties(m, out, depth + 1);
        } else if (value instanceof List<?> list) {
            out.writeByte(STRICT_ARRAY).writeInt(list.size());
            for (Object o : list) {
                encode(o, out, depth + 1);
            }
        } else if (value instanceof AmfDate d) {
            out.writeByte(DATE).writeDouble(d.epochMillis()).writeShort(d.timeZone());
        } else {
            throw new IllegalArgumentException("no AMF0 encoding for " + value.getClass().getName());
        }
    }

    private static void properties(Map<?, ?> map, ByteBuf out, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            byte[] key = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
            if (key.length == 0 || key.length > 0xFFFF) {
                throw new IllegalArgumentException("AMF0 property key of " + key.length + " bytes");
            }
            out.writeShort(key.length).writeBytes(key);
            encode(e.getValue(), out, depth);
        }
        out.writeShort(0).writeByte(OBJECT_END);
    }

    /** Convenience for building command objects: keys and values alternating, order kept. */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("object(...) needs key/value pairs, got " + keysAndValues.length + " items");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
