package dev.amphi.bench.speakers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.transcode.frame.Picture;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClockSpeakerTest {

    /** The cells as bench/g2g/clock-code.js's {@code bits} gives them (node, 2026-12-07), '1' black. */
    @ParameterizedTest
    @CsvSource({
        "0, 00000000000000000000000001011010",
        "1733612345678, 01011001000110010100111001010100",
        "16777215, 11111111111111111111111110100101",
        "123456, 00000001111000100100000011111001",
    })
    void theCodeIsTheOneThePageReads(long ms, String cells) {
        assertThat(asString(ClockSpeaker.bits(ms))).isEqualTo(cells);
        try (Picture p = Picture.allocate(320, 180)) {
            ClockSpeaker.draw(p, ms);
            assertThat(asString(read(p))).as("the cells read where clock-code.js's read samples them").isEqualTo(cells);
            BytePointer cb = p.data(1);
            assertThat(p.data(0).get(0) & 0xff).as("the magenta frame's luma").isEqualTo(ClockSpeaker.MAGENTA[0]);
            assertThat(cb.get(0) & 0xff).isEqualTo(ClockSpeaker.MAGENTA[1]);
            // the middle band, where the program draws the tile's name, stays magenta
            assertThat(p.data(0).get(90L * p.stride(0) + 160) & 0xff).isEqualTo(ClockSpeaker.MAGENTA[0]);
        }
    }

    /** The page's reader: the mean luma of each cell's middle 40 % (x and y), dark for a 1. */
    private static boolean[] read(Picture p) {
        int w = p.width();
        int h = p.height();
        double cw = (ClockSpeaker.X1 - ClockSpeaker.X0) * w / ClockSpeaker.COLS;
        boolean[] out = new boolean[32];
        for (int i = 0; i < 32; i++) {
            double x = ClockSpeaker.X0 * w + (i % ClockSpeaker.COLS) * cw;
            double y = ClockSpeaker.ROW_Y[i / ClockSpeaker.COLS] * h;
            double ch = ClockSpeaker.ROW_H * h;
            long sum = 0;
            int n = 0;
            for (long py = Math.round(y + ch * 0.3); py <= Math.round(y + ch * 0.7); py++) {
                for (long px = Math.round(x + cw * 0.3); px <= Math.round(x + cw * 0.7); px++) {
                    sum += p.data(0).get(py * p.stride(0) + px) & 0xff;
                    n++;
                }
            }
            out[i] = sum / n < 128;
        }
        return out;
    }

    private static String asString(boolean[] bits) {
        StringBuilder s = new StringBuilder();
        for (boolean b : bits) {
            s.append(b ? '1' : '0');
        }
        return s.toString();
    }
}
