package dev.amphi.ingest.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random mutations of the golden offers (characters changed, lines dropped, duplicated,
 * swapped, cut): parsing and answering either succeed with a valid answer or fail with an
 * {@link SdpException}; nothing else escapes.
 */
class SdpFuzzTest {

    private static final String ALPHABET = "v=0aom:/ 19;\r\n\u0000\t*-.IPUDTLSRTPSAVPF";

    @ParameterizedTest
    @ValueSource(strings = {"chrome-sendrecv", "obs-whip", "firefox-sendonly"})
    void mutatedOffersFailOnlyWithSdpException(String name) {
        String offer = SdpTestData.resource(name + ".offer.sdp");
        Random random = new Random(name.hashCode());
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            String mutated = mutate(offer, random);
            try {
                Answer answer = Sdp.answer(Sdp.parse(mutated), SdpTestData.SERVER);
                assertThat(Sdp.parse(answer.sdp()).media()).isNotEmpty();
            } catch (SdpException e) {
                refused++;
                assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
            }
        }
        assertThat(refused).as("some mutations must be refused").isPositive();
    }

    private static String mutate(String offer, Random random) {
        List<String> lines = new ArrayList<>(Arrays.asList(offer.split("\n", -1)));
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && !lines.isEmpty(); r++) {
            int i = random.nextInt(lines.size());
            String line = lines.get(i);
            switch (random.nextInt(6)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(random.nextInt(lines.size() + 1), line);
                case 2 -> {
                    int j = random.nextInt(lines.size());
                    lines.set(i, lines.get(j));
                    lines.set(j, line);
                }
                case 3 -> lines.set(i, line.substring(0, random.nextInt(line.length() + 1)));
                default -> {
                    if (!line.isEmpty()) {
                        char[] chars = line.toCharArray();
                        chars[random.nextInt(chars.length)] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
                        lines.set(i, new String(chars));
                    }
                }
            }
        }
        return String.join("\n", lines);
    }
}
