package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.server.ProgramConfig.RoomMode;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.layout.Layout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Per-room program settings: {@code --room-setting ROOM.KEY=VALUE} from flags, environment and config file. */
class RoomSettingsTest {

    private static final String[] TWO_ROOMS = {"--room", "panel=panel-stream-key-0123", "--room", "stage=stage-stream-key-0123"};

    @TempDir
    Path dir;

    private static ProgramConfig parse(Map<String, String> env, String... args) {
        return Main.parse(args, env, new PrintStream(new ByteArrayOutputStream())).orElseThrow().program();
    }

    private static String[] withRooms(String... args) {
        return Stream.concat(Stream.of(TWO_ROOMS), Stream.of(args)).toArray(String[]::new);
    }

    private static final List<Rung> TWO_RUNGS = List.of(Rung.parse("360p:640x360:700k"), Rung.parse("180p:320x180:250k"));

    @Test
    void globalFlagsAreEveryRoomsDefaultsAndARoomOverridesOnlyItsOwnKeys() {
        ProgramConfig c = parse(Map.of(), withRooms("--canvas", "640x360", "--ladder", "360p:640x360:600k", "--fps", "25",
                "--room-setting", "panel.ladder=360p:640x360:700k,180p:320x180:250k",
                "--room-setting", "panel.fps=15", "--room-setting", "panel.layout=speaker",
                "--room-setting", "panel.video-codec=libopenh264", "--room-setting", "panel.preset=default",
                "--room-setting", "panel.mix-loudest=2", "--room-setting", "panel.max-speakers=9",
                "--room-setting", "panel.audio-bitrate=96k", "--room-setting", "panel.demo=3",
                "--room-setting", "stage.canvas=1280x720"));

        RoomSettings lobby = c.forRoom("lobby");
        assertThat(lobby.mode()).isEqualTo(RoomMode.COMPOSITE);
        assertThat(lobby.ladder()).containsExactly(Rung.parse("360p:640x360:600k"));
        assertThat(List.of(lobby.canvasWidth(), lobby.canvasHeight(), lobby.fps())).containsExactly(640, 360, 25);
        assertThat(lobby.codec()).isEqualTo(VideoCodec.LIBX264);
        assertThat(lobby.demoSpeakers()).isZero();

        RoomSettings panel = c.forRoom("panel");
        assertThat(panel.ladder()).isEqualTo(TWO_RUNGS);
        assertThat(panel.fps()).isEqualTo(15);
        assertThat(panel.layout()).isEqualTo(new Layout.ActiveSpeaker());
        assertThat(panel.codec()).isEqualTo(VideoCodec.OPENH264);
        assertThat(panel.preset()).contains("default");
        assertThat(List.of(panel.mixLoudest(), panel.maxSpeakers(), panel.audioBitrate(), panel.demoSpeakers()))
                .containsExactly(2, 9, 96_000, 3);
        assertThat(List.of(panel.canvasWidth(), panel.canvasHeight())).as("not overridden: the global canvas").containsExactly(640, 360);

        RoomSettings stage = c.forRoom("stage");
        assertThat(List.of(stage.canvasWidth(), stage.canvasHeight())).containsExactly(1280, 720);
        assertThat(stage.ladder()).as("the global ladder").containsExactly(Rung.parse("360p:640x360:600k"));
        assertThat(c.rooms().keySet()).containsExactly("lobby", "panel", "stage");
    }

    @Test
    void withoutAnyLadderEachRoomGetsTheDefaultRungsThatFitItsOwnCanvas() {
        ProgramConfig c = parse(Map.of(), withRooms("--canvas", "1280x720", "--room-setting", "panel.canvas=640x360",
                "--room-setting", "stage.canvas=1920x1080"));
        assertThat(c.forRoom("lobby").ladder()).extracting(Rung::name).containsExactly("720p", "480p", "360p");
        assertThat(c.forRoom("panel").ladder()).extracting(Rung::name).containsExactly("360p");
        assertThat(c.forRoom("stage").ladder()).extracting(Rung::name).containsExactly("1080p", "720p", "480p", "360p");
    }

    @Test
    void modeIsPerRoomAndPassthroughIsItsShorthand() {
        ProgramConfig c = parse(Map.of(), withRooms("--passthrough", "panel", "--room-setting", "stage.mode=passthrough"));
        assertThat(c.modeOf("lobby")).isEqualTo(RoomMode.COMPOSITE);
        assertThat(c.modeOf("panel")).isEqualTo(RoomMode.PASSTHROUGH);
        assertThat(c.modeOf("stage")).isEqualTo(RoomMode.PASSTHROUGH);

        ProgramConfig composite = parse(Map.of(), withRooms("--room-mode", "passthrough", "--room-setting", "panel.mode=composite",
                "--room-setting", "panel.demo=2"));
        assertThat(composite.modeOf("lobby")).isEqualTo(RoomMode.PASSTHROUGH);
        assertThat(composite.modeOf("panel")).isEqualTo(RoomMode.COMPOSITE);
        assertThat(composite.forRoom("panel").demoSpeakers()).isEqualTo(2);
        assertThat(composite.forRoom("lobby").summary()).isEqualTo("passthrough");
    }

    @Test
    void demoIsTheLobbysAndARoomSettingOverridesIt() {
        ProgramConfig c = parse(Map.of(), withRooms("--demo", "4", "--room-setting", "stage.demo=1"));
        assertThat(c.forRoom("lobby").demoSpeakers()).isEqualTo(4);
        assertThat(c.forRoom("panel").demoSpeakers()).isZero();
        assertThat(c.forRoom("stage").demoSpeakers()).isEqualTo(1);
        assertThat(parse(Map.of(), "--demo", "4", "--room-setting", "lobby.demo=2").forRoom("lobby").demoSpeakers()).isEqualTo(2);
    }

    @Test
    void severalSettingsInOneValueKeepTheLaddersCommas() {
        String value = "panel.ladder=360p:640x360:700k,180p:320x180:250k, panel.fps=15,stage.ladder=180p:320x180:200k,";
        ProgramConfig c = parse(Map.of(), withRooms("--canvas", "640x360", "--room-setting", value));
        assertThat(c.forRoom("panel").ladder()).isEqualTo(TWO_RUNGS);
        assertThat(c.forRoom("panel").fps()).isEqualTo(15);
        assertThat(c.forRoom("stage").ladder()).containsExactly(Rung.parse("180p:320x180:200k"));
        assertThat(RoomSettingsResolver.split(value)).containsExactly("panel.ladder=360p:640x360:700k,180p:320x180:250k",
                "panel.fps=15", "stage.ladder=180p:320x180:200k");
    }

    @Test
    void theEnvironmentAndTheConfigFileTakeCommaSeparatedSettings() throws IOException {
        Path file = dir.resolve("amphi.properties");
        Files.writeString(file, String.join("\n",
                "room=panel=panel-stream-key-0123,stage=stage-stream-key-0123",
                "canvas=640x360",
                "room-setting=panel.ladder=360p:640x360:700k,180p:320x180:250k,\\",
                "             panel.fps=15,stage.mode=passthrough"));
        ProgramConfig fromFile = parse(Map.of("AMPHI_CONFIG", file.toString()));
        assertThat(fromFile.forRoom("panel").ladder()).isEqualTo(TWO_RUNGS);
        assertThat(fromFile.forRoom("panel").fps()).isEqualTo(15);
        assertThat(fromFile.modeOf("stage")).isEqualTo(RoomMode.PASSTHROUGH);

        ProgramConfig fromEnv = parse(Map.of("AMPHI_CONFIG", file.toString(),
                "AMPHI_ROOM_SETTING", "panel.ladder=180p:320x180:250k,90p:160x90:100k,stage.fps=10"));
        assertThat(fromEnv.forRoom("panel").ladder()).extracting(Rung::name).as("the environment beats the file").containsExactly("180p", "90p");
        assertThat(fromEnv.forRoom("panel").fps()).isEqualTo(30);
        assertThat(fromEnv.forRoom("stage").fps()).isEqualTo(10);

        ProgramConfig fromFlag = parse(Map.of("AMPHI_CONFIG", file.toString(), "AMPHI_ROOM_SETTING", "stage.fps=10"),
                "--room-setting", "panel.canvas=320x180", "--room-setting", "panel.ladder=180p:320x180:250k");
        assertThat(fromFlag.forRoom("panel").canvasWidth()).isEqualTo(320);
        assertThat(fromFlag.forRoom("stage").fps()).as("flags replace the environment's list").isEqualTo(30);
    }

    /** Bad configurations and what the message must name. */
    static Stream<Object[]> refusals() {
        return Stream.of(
                new Object[] {"unknown room", new String[] {"--room-setting", "stage.fps=25"},
                    List.of("--room-setting stage.fps=25", "no room 'stage'", "lobby, panel")},
                new Object[] {"unknown key", new String[] {"--room-setting", "panel.bitrate=1m"},
                    List.of("--room-setting panel.bitrate=1m", "unknown key 'bitrate'", "mode, ladder, canvas, fps, layout, "
                            + "video-codec, preset, mix-loudest, max-speakers, audio-bitrate, demo")},
                new Object[] {"no key", new String[] {"--room-setting", "panel=fps"}, List.of("'panel=fps'", "ROOM.KEY=VALUE")},
                new Object[] {"empty value", new String[] {"--room-setting", "panel.fps="}, List.of("panel.fps=", "empty")},
                new Object[] {"key given twice", new String[] {"--room-setting", "panel.fps=25", "--room-setting", "panel.fps=30"},
                    List.of("--room-setting panel.fps is given twice", "'25'", "'30'")},
                new Object[] {"unparsable fps", new String[] {"--room-setting", "panel.fps=fast"},
                    List.of("--room-setting panel.fps=fast", "not a whole number")},
                new Object[] {"fps out of range", new String[] {"--room-setting", "panel.fps=99"},
                    List.of("--room-setting panel.fps=99", "1..60", "99")},
                new Object[] {"global fps out of range", new String[] {"--fps", "0"}, List.of("--fps 0", "1..60")},
                new Object[] {"bad canvas", new String[] {"--room-setting", "panel.canvas=big"},
                    List.of("--room-setting panel.canvas=big", "not a picture size")},
                new Object[] {"odd canvas", new String[] {"--room-setting", "panel.canvas=641x360"},
                    List.of("--room-setting panel.canvas=641x360", "even")},
                new Object[] {"bad rung", new String[] {"--room-setting", "panel.ladder=360p:640x360:700k,tiny"},
                    List.of("--room-setting panel.ladder=360p:640x360:700k,tiny", "name:WIDTHxHEIGHT:BITRATE", "'tiny'")},
                new Object[] {"rung larger than the room's canvas",
                    new String[] {"--ladder", "720p:1280x720:3000k", "--room-setting", "panel.canvas=640x360"},
                    List.of("--ladder 720p:1280x720:3000k", "--room-setting panel.canvas=640x360", "larger than the 640x360 canvas")},
                new Object[] {"room's rung larger than the global canvas",
                    new String[] {"--canvas", "640x360", "--room-setting", "panel.ladder=720p:1280x720:3000k"},
                    List.of("--room-setting panel.ladder=720p:1280x720:3000k", "--canvas 640x360", "larger than")},
                new Object[] {"no default rung fits", new String[] {"--room-setting", "panel.canvas=320x180"},
                    List.of("--room-setting panel.canvas=320x180", "no rung of the default ladder", "panel.ladder")},
                new Object[] {"duplicate rung names", new String[] {"--room-setting", "panel.ladder=a:320x180:1k,a:320x180:2k"},
                    List.of("--room-setting panel.ladder=", "distinct")},
                new Object[] {"demo above the room's max-speakers",
                    new String[] {"--room-setting", "panel.demo=5", "--room-setting", "panel.max-speakers=4"},
                    List.of("--room-setting panel.max-speakers=4", "--room-setting panel.demo=5", "demo 5 is more than max-speakers 4")},
                new Object[] {"lobby demo above a global max-speakers", new String[] {"--demo", "5", "--max-speakers", "3"},
                    List.of("--max-speakers 3", "--demo 5", "more than")},
                new Object[] {"demo in a passthrough room", new String[] {"--passthrough", "lobby", "--demo", "2"},
                    List.of("--passthrough lobby", "--demo 2", "composited room")},
                new Object[] {"preset of another codec",
                    new String[] {"--room-setting", "panel.video-codec=libopenh264", "--room-setting", "panel.preset=ultrafast"},
                    List.of("--room-setting panel.video-codec=libopenh264", "--room-setting panel.preset=ultrafast", "not a libopenh264 preset")},
                new Object[] {"unknown codec", new String[] {"--room-setting", "panel.video-codec=vp9"},
                    List.of("--room-setting panel.video-codec=vp9", "libx264, libopenh264, h264_nvenc")},
                new Object[] {"bad layout", new String[] {"--room-setting", "panel.layout=mosaic"},
                    List.of("--room-setting panel.layout=mosaic", "unknown layout 'mosaic'")},
                new Object[] {"mix-loudest out of range", new String[] {"--room-setting", "panel.mix-loudest=0"},
                    List.of("--room-setting panel.mix-loudest=0", "1..16")},
                new Object[] {"max-speakers out of range", new String[] {"--room-setting", "panel.max-speakers=301"},
                    List.of("--room-setting panel.max-speakers=301", "1..300")},
                new Object[] {"audio bitrate out of range", new String[] {"--room-setting", "panel.audio-bitrate=8k"},
                    List.of("--room-setting panel.audio-bitrate=8k", "32000..512000")},
                new Object[] {"bad audio bitrate", new String[] {"--audio-bitrate", "loud"}, List.of("--audio-bitrate loud", "not a bitrate")},
                new Object[] {"bad mode", new String[] {"--room-setting", "panel.mode=mixed"},
                    List.of("--room-setting panel.mode=mixed", "composite or passthrough")},
                new Object[] {"passthrough and mode=composite", new String[] {"--passthrough", "panel", "--room-setting", "panel.mode=composite"},
                    List.of("--passthrough panel", "--room-setting panel.mode=composite", "contradict")},
                new Object[] {"composite setting of a passthrough room",
                    new String[] {"--room-setting", "panel.mode=passthrough", "--room-setting", "panel.fps=25"},
                    List.of("--room-setting panel.fps=25", "passes its publisher through", "--room-setting panel.mode=passthrough")},
                new Object[] {"passthrough of an unknown room", new String[] {"--passthrough", "stage"},
                    List.of("--passthrough stage", "no room 'stage'")});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithAMessageNamingTheOptionRoomKeyAndValue(String name, String[] args, List<String> fragments) {
        String[] all = Stream.concat(Stream.of("--room", "panel=panel-stream-key-0123"), Stream.of(args)).toArray(String[]::new);
        assertThatThrownBy(() -> parse(Map.of(), all)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    @Test
    void theStartUpLineSaysEverythingARoomWillUse() {
        RoomSettings s = parse(Map.of(), withRooms("--canvas", "640x360", "--preset", "ultrafast",
                "--room-setting", "panel.ladder=360p:640x360:700k,180p:320x180:250k", "--room-setting", "panel.demo=2"))
                .forRoom("panel");
        assertThat(s.summary()).isEqualTo("composite 640x360@30, ladder 360p:640x360:700k,180p:320x180:250k, libx264 preset ultrafast, "
                + "layout gallery, mix-loudest 3, max-speakers 300, audio 128k, demo 2");
    }

    @Test
    void helpListsTheOptionAndItsKeys() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.parse(new String[] {"--help"}, Map.of(), new PrintStream(out))).isEmpty();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--room-setting=ROOM.KEY=VALUE", "mode, ladder, canvas, fps",
                "audio-bitrate, demo");
    }

    @Test
    void forRoomNamesAnUnknownRoom() {
        assertThatThrownBy(() -> parse(Map.of()).forRoom("panel")).hasMessageContaining("'panel'").hasMessageContaining("[lobby]");
        assertThat(parse(Map.of()).forRoom("lobby").preset()).isEqualTo(Optional.empty());
    }
}
