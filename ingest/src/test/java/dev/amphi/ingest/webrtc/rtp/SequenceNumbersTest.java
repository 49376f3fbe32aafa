package dev.amphi.ingest.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Wrap-around comparisons and unwrapping of sequence numbers and timestamps. */
class SequenceNumbersTest {

    static Stream<Arguments> sequencePairs() {
        return Stream.of(
                Arguments.of(1, 0, true, 1),
                Arguments.of(0, 1, false, -1),
                Arguments.of(0, 65535, true, 1),
                Arguments.of(65535, 0, false, -1),
                Arguments.of(100, 65500, true, 136),
                Arguments.of(5, 5, false, 0),
                Arguments.of(32767, 0, true, 32767),
                Arguments.of(32768, 0, true, -32768), // exactly half apart: the larger is the newer
                Arguments.of(0, 32768, false, -32768));
    }

    @ParameterizedTest(name = "{0} newer than {1}: {2}")
    @MethodSource("sequencePairs")
    void comparesSequenceNumbersAcrossTheWrap(int a, int b, boolean newer, int distanceFromB) {
        assertThat(SequenceNumbers.isNewer(a, b)).isEqualTo(newer);
        assertThat(SequenceNumbers.distance(b, a)).isEqualTo(distanceFromB);
        if (a != b) {
            assertThat(SequenceNumbers.isNewer(b, a)).isEqualTo(!newer);
        }
    }

    static Stream<Arguments> timestampPairs() {
        return Stream.of(
                Arguments.of(3000L, 0L, true, 3000L),
                Arguments.of(0L, 0xffffffffL, true, 1L),
                Arguments.of(0xfffff000L, 0x1000L, false, -0x2000L),
                Arguments.of(0x80000000L, 0L, true, -0x80000000L));
    }

    @ParameterizedTest(name = "{0} newer than {1}: {2}")
    @MethodSource("timestampPairs")
    void comparesTimestampsAcrossTheWrap(long a, long b, boolean newer, long distanceFromB) {
        assertThat(SequenceNumbers.isNewerTimestamp(a, b)).isEqualTo(newer);
        assertThat(SequenceNumbers.isNewerTimestamp(b, a)).isEqualTo(!newer);
        assertThat(SequenceNumbers.timestampDistance(b, a)).isEqualTo(distanceFromB);
    }

    @Test
    void unwrapsSequenceNumbersThroughSeveralWraps() {
        Unwrapper u = Unwrapper.sequenceNumbers();
        long expected = 65000;
        for (int i = 0; i < 200_000; i += 7) {
            assertThat(u.unwrap((65000 + i) & 0xffff)).isEqualTo(expected + i);
        }
    }

    @Test
    void lateAndDuplicatePacketsUnwrapBeforeTheNewestWithoutMovingIt() {
        Unwrapper u = Unwrapper.sequenceNumbers();
        assertThat(u.unwrap(65534)).isEqualTo(65534);
        assertThat(u.unwrap(2)).isEqualTo(65538);
        assertThat(u.unwrap(65535)).isEqualTo(65535); // late, from before the wrap
        assertThat(u.unwrap(2)).isEqualTo(65538); // duplicate
        assertThat(u.unwrap(3)).isEqualTo(65539);
        assertThat(u.peek(65530)).isEqualTo(65530);
        assertThat(u.unwrap(4)).isEqualTo(65540);
    }

    @Test
    void aValueFromBeforeTheFirstUnwrapsBelowZero() {
        Unwrapper u = Unwrapper.sequenceNumbers();
        assertThat(u.unwrap(0)).isZero();
        assertThat(u.unwrap(65535)).isEqualTo(-1);
    }

    @Test
    void exactlyHalfTheSpaceApartFollowsTheComparison() {
        Unwrapper up = Unwrapper.sequenceNumbers();
        up.unwrap(0);
        assertThat(up.unwrap(32768)).isEqualTo(32768); // isNewer(32768, 0)
        Unwrapper down = Unwrapper.sequenceNumbers();
        down.unwrap(32768);
        assertThat(down.unwrap(0)).isEqualTo(0); // not isNewer(0, 32768): before it, not 65536
    }

    @Test
    void unwrapsTimestampsAcrossThe32BitWrap() {
        Unwrapper u = Unwrapper.timestamps();
        assertThat(u.unwrap(0xffffff00L)).isEqualTo(0xffffff00L);
        assertThat(u.unwrap(0x00000100L)).isEqualTo(0x100000100L);
        assertThat(u.unwrap(0xfffffff0L)).isEqualTo(0xfffffff0L); // late B-frame-like reorder
        long t = 0x100000100L;
        for (int i = 0; i < 3; i++) { // three more wraps in 2^30 steps
            for (int k = 0; k < 4; k++) {
                t += 1L << 30;
                assertThat(u.unwrap(t & 0xffffffffL)).isEqualTo(t);
            }
        }
    }

    @Test
    void refusesValuesOutsideTheirRange() {
        assertThatThrownBy(() -> Unwrapper.sequenceNumbers().unwrap(65536)).hasMessageContaining("outside 0..65535");
        assertThatThrownBy(() -> Unwrapper.timestamps().unwrap(-1)).hasMessageContaining("outside 0..4294967295");
    }
}
