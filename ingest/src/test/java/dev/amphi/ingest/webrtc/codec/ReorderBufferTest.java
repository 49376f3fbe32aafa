package dev.amphi.ingest.webrtc.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {

    private static List<Integer> push(ReorderBuffer b, int... seqs) {
        List<Integer> out = new ArrayList<>();
        for (int s : seqs) {
            b.push(new RtpPayload(s, 0, false, new byte[] {1})).forEach(p -> out.add(p.sequenceNumber()));
        }
        return out;
    }

    @Test
    void inOrderPacketsPassAtOnce() {
        ReorderBuffer b = new ReorderBuffer(4);
        assertThat(push(b, 65534, 65535, 0, 1)).containsExactly(65534, 65535, 0, 1);
        assertThat(b.held()).isZero();
    }

    @Test
    void reorderedPacketsAreHeldUntilTheMissingOneArrives() {
        ReorderBuffer b = new ReorderBuffer(4);
        assertThat(push(b, 10, 12, 13)).containsExactly(10);
        assertThat(b.held()).isEqualTo(2);
        assertThat(push(b, 11)).containsExactly(11, 12, 13);
    }

    @Test
    void givesUpOnAMissingPacketWhenFull() {
        ReorderBuffer b = new ReorderBuffer(3);
        assertThat(push(b, 1, 3, 4, 5)).containsExactly(1);
        assertThat(push(b, 6)).containsExactly(3, 4, 5, 6);
        assertThat(push(b, 2)).as("too late now").isEmpty();
    }

    @Test
    void jumpFarAheadReleasesWhatIsHeldAndRestarts() {
        ReorderBuffer b = new ReorderBuffer(4);
        assertThat(push(b, 100, 102)).containsExactly(100);
        assertThat(push(b, 5000)).containsExactly(102, 5000);
        assertThat(push(b, 5001)).containsExactly(5001);
    }

    @Test
    void skipGapGivesUpTheOldestGapOnly() {
        ReorderBuffer b = new ReorderBuffer(8);
        assertThat(push(b, 1, 3, 4, 6)).containsExactly(1);
        assertThat(b.skipGap()).extracting(RtpPayload::sequenceNumber).containsExactly(3, 4);
        assertThat(b.held()).isEqualTo(1);
        assertThat(push(b, 5)).as("the next gap can still be filled").containsExactly(5, 6);
        assertThat(push(b, 2)).as("too late now").isEmpty();
        assertThat(b.skipGap()).as("nothing held").isEmpty();
    }

    @Test
    void duplicatesAreDropped() {
        ReorderBuffer b = new ReorderBuffer(4);
        assertThat(push(b, 1, 1, 3, 3, 2, 2)).containsExactly(1, 2, 3);
    }
}
