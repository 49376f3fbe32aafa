package dev.amphi.ingest.rtmp.testing;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every buffer it allocates, so an iteration can check that all were released (cheaper
 * than paranoid leak records on each of millions of buffer accesses).
 */
public final class CountingAllocator implements io.netty.buffer.ByteBufAllocator {
    private final io.netty.buffer.ByteBufAllocator d = new io.netty.buffer.UnpooledByteBufAllocator(false, true);
    public final List<io.netty.util.ReferenceCounted> allocated = new ArrayList<>();

    private <T extends io.netty.util.ReferenceCounted> T rec(T b) {
        allocated.add(b);
        return b;
    }

    public long unreleased() {
        return allocated.stream().filter(b -> b.refCnt() != 0).count();
    }

    @Override public ByteBuf buffer() { return rec(d.heapBuffer()); }
    @Override public ByteBuf buffer(int i) { return rec(d.heapBuffer(i)); }
    @Override public ByteBuf buffer(int i, int m) { return rec(d.heapBuffer(i, m)); }
    @Override public ByteBuf ioBuffer() { return rec(d.heapBuffer()); }
    @Override public ByteBuf ioBuffer(int i) { return rec(d.heapBuffer(i)); }
    @Override public ByteBuf ioBuffer(int i, int m) { return rec(d.heapBuffer(i, m)); }
    @Override public ByteBuf heapBuffer() { return rec(d.heapBuffer()); }
    @Override public ByteBuf heapBuffer(int i) { return rec(d.heapBuffer(i)); }
    @Override public ByteBuf heapBuffer(int i, int m) { return rec(d.heapBuffer(i, m)); }
    @Override public ByteBuf directBuffer() { return rec(d.directBuffer()); }
    @Override public ByteBuf directBuffer(int i) { return rec(d.directBuffer(i)); }
    @Override public ByteBuf directBuffer(int i, int m) { return rec(d.directBuffer(i, m)); }
    @Override public io.netty.buffer.CompositeByteBuf compositeBuffer() { return rec(d.compositeHeapBuffer()); }
    @Override public io.netty.buffer.CompositeByteBuf compositeBuffer(int n) { return rec(d.compositeHeapBuffer(n)); }
    @Override public io.netty.buffer.CompositeByteBuf compositeHeapBuffer() { return rec(d.compositeHeapBuffer()); }
    @Override public io.netty.buffer.CompositeByteBuf compositeHeapBuffer(int n) { return rec(d.compositeHeapBuffer(n)); }
    @Override public io.netty.buffer.CompositeByteBuf compositeDirectBuffer() { return rec(d.compositeDirectBuffer()); }
    @Override public io.netty.buffer.CompositeByteBuf compositeDirectBuffer(int n) { return rec(d.compositeDirectBuffer(n)); }
    @Override public boolean isDirectBufferPooled() { return false; }
    @Override public int calculateNewCapacity(int min, int max) { return d.calculateNewCapacity(min, max); }
}
