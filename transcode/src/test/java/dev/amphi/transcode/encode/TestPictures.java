package dev.amphi.transcode.encode;

import dev.amphi.transcode.frame.Picture;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;

/** Test helper: pictures with content an encoder has to work for. */
final class TestPictures {

    static final int BACKGROUND_LUMA = 60;
    static final int BLOCK_LUMA = 200;
    static final int BLOCK = 32;

    private TestPictures() {
    }

    /** Left edge of the moving block in frame {@code i} of a {@code width}-wide picture. */
    static int blockX(int i, int width) {
        return (i * 4) % (width - BLOCK) & ~1;
    }

    /** Dark grey picture with a white {@value #BLOCK}-pixel block moving right by 4 px per frame. */
    static void movingBlock(Picture p, int i) {
        p.fill(BACKGROUND_LUMA, 128, 128);
        p.fillRect(blockX(i, p.width()), (p.height() - BLOCK) / 2 & ~1, BLOCK, BLOCK, BLOCK_LUMA, 128, 128);
    }

    /** Random luma noise: as hard to compress as it gets. */
    static void noise(Picture p, Random random) {
        byte[] row = new byte[p.width()];
        BytePointer y = new BytePointer(p.data(0));
        for (int r = 0; r < p.height(); r++) {
            random.nextBytes(row);
            y.position((long) r * p.stride(0)).put(row);
        }
    }
}
