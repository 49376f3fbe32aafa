package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.DisplayMode;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.store.CommentStore;
import dev.amphi.core.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The host's export over a real Vert.x server and a real (SQLite) store, read in pages of three. */
class CommentExportApiTest {

    private static final long T0 = 1_765_108_801_250L; // 2025-12-07T12:00:01.250Z, in the window [..00.000, ..02.000)
    private static final String MARKUP = "<script>alert(1)</script> & <img src=x onerror=alert(2)> \"q\" 'a' ]]>";

    @TempDir
    Path dir;
    private final RoomRegistry registry = RoomRegistry.of(List.of(Room.of("hall", "secret-hall-key-0123"),
            Room.of("stage", "secret-stage-key-0123")));
    private final HttpClient http = HttpClient.newHttpClient();
    private Database db;
    private CommentStore store;
    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        db = Database.embedded(dir.resolve("amphi.db"));
        store = new CommentStore(db);
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new CommentExportApi(vertx, registry, store, Duration.ofSeconds(2), 3).mount(router);
        port = TestHttp.listen(vertx, router);
    }

    @AfterEach
    void stop() throws Exception {
        TestHttp.close(vertx);
        db.close();
    }

    private static CommentWindows.Accepted comment(long id, String viewer, String text, DisplayMode mode, String color, long at) {
        return new CommentWindows.Accepted(id, viewer, "Nick " + id, new CommentDraft(text, mode, color), at, at + 700);
    }

    /** Seven comments in hall (one deleted), posted out of order, and one in stage. */
    private List<CommentWindows.Accepted> seed() throws Exception {
        List<CommentWindows.Accepted> hall = List.of(
                comment(11, "viewer-a", "first", DisplayMode.SCROLL, "#ffffff", T0),
                comment(5, "viewer-b", MARKUP, DisplayMode.TOP, "#fe0302", T0 + 1_000),
                comment(7, "viewer-a", "same time, higher id", DisplayMode.BOTTOM, "#00cd00", T0 + 1_000),
                comment(3, "viewer-c", "👨‍👩‍👧‍👦 🇯🇵 é", DisplayMode.SCROLL, "#89d5ff", T0 + 2_345),
                comment(20, "viewer-b", "later", DisplayMode.SCROLL, "#4266be", T0 + 60_000),
                comment(21, "viewer-b", "last", DisplayMode.TOP, "#cc0273", T0 + 61_001));
        for (int i = hall.size() - 1; i >= 0; i--) {
            store.insert("hall", hall.get(i));
        }
        store.insert("hall", comment(9, "viewer-d", "deleted", DisplayMode.SCROLL, "#ffffff", T0 + 500));
        store.delete("hall", 9);
        store.insert("stage", comment(12, "viewer-a", "another room", DisplayMode.SCROLL, "#ffffff", T0 + 10));
        return hall;
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> export(String query) throws Exception {
        return get("/api/rooms/hall/comments" + query, "Bearer secret-hall-key-0123");
    }

    @Test
    void jsonIsEveryCommentNotDeletedInProgramTimeOrder() throws Exception {
        List<CommentWindows.Accepted> hall = seed();
        HttpResponse<String> r = export("?format=json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"hall-comments.json\"");
        JsonArray a = new JsonArray(r.body());
        assertThat(a).hasSize(6);
        assertThat(a.getJsonObject(1)).isEqualTo(new JsonObject().put("id", "5").put("t", T0 + 1_000).put("text", MARKUP)
                .put("mode", "top").put("color", "#fe0302").put("nick", "Nick 5"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ids.add(a.getJsonObject(i).getString("id"));
        }
        assertThat(ids).as("t order, ties by id, across pages of three").containsExactly("11", "5", "7", "3", "20", "21");
        assertThat(a.getJsonObject(3).getString("text")).isEqualTo(hall.get(3).draft().text());
        assertThat(export("").body()).as("json is the default").isEqualTo(r.body());
    }

    @Test
    void xmlIsBilibiliDanmakuWithTheTextAsText() throws Exception {
        seed();
        HttpResponse<String> r = export("?format=xml");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/xml; charset=utf-8");
        assertThat(r.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><i>");
        Element i = parse(r.body()).getDocumentElement();
        assertThat(i.getTagName()).isEqualTo("i");
        assertThat(i.getElementsByTagName("chatserver").getLength()).isEqualTo(1);
        assertThat(i.getElementsByTagName("maxlimit").item(0).getTextContent()).isEqualTo("6");
        assertThat(i.getElementsByTagName("script").getLength()).as("markup in a comment is text").isZero();
        assertThat(i.getElementsByTagName("img").getLength()).isZero();
        NodeList d = i.getElementsByTagName("d");
        assertThat(d.getLength()).isEqualTo(6);
        // seconds from the start of the first comment's 2 s window (T0 - 1.250 s)
        assertThat(p(d, 0)).containsExactly("1.25000", "1", "25", "16777215", Long.toString((T0 + 700) / 1000), "0", crc("viewer-a"), "11");
        assertThat(p(d, 1)).containsExactly("2.25000", "5", "25", Integer.toString(0xfe0302), Long.toString((T0 + 1_700) / 1000), "0",
                crc("viewer-b"), "5");
        assertThat(((Element) d.item(1)).getTextContent()).isEqualTo(MARKUP);
        assertThat(p(d, 2)).startsWith("2.25000", "4", "25", Integer.toString(0x00cd00));
        assertThat(((Element) d.item(3)).getTextContent()).isEqualTo("👨‍👩‍👧‍👦 🇯🇵 é");
        assertThat(p(d, 3)[0]).isEqualTo("3.59500");
        assertThat(p(d, 5)[0]).isEqualTo("62.25100");
    }

    @Test
    void fromIsTheOriginOfXmlSecondsAndWithToBoundsTheExport() throws Exception {
        seed();
        NodeList d = parse(export("?format=xml&from=" + (T0 + 1_000) + "&to=" + (T0 + 61_001)).body()).getElementsByTagName("d");
        assertThat(d.getLength()).as("5, 7, 3, 20: from included, to excluded").isEqualTo(4);
        assertThat(p(d, 0)[0]).isEqualTo("0.00000");
        assertThat(p(d, 0)[7]).isEqualTo("5");
        assertThat(p(d, 3)[0]).isEqualTo("59.00000");
        JsonArray a = new JsonArray(export("?format=json&from=" + (T0 + 2_000)).body());
        assertThat(a).extracting(o -> ((JsonObject) o).getString("id")).containsExactly("3", "20", "21");
    }

    @Test
    void anEmptyRoomExportsAnEmptyListInBothFormats() throws Exception {
        HttpResponse<String> json = export("?format=json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(new JsonArray(json.body())).isEmpty();
        Element i = parse(export("?format=xml").body()).getDocumentElement();
        assertThat(i.getElementsByTagName("d").getLength()).isZero();
        assertThat(i.getElementsByTagName("maxlimit").item(0).getTextContent()).isEqualTo("0");
    }

    @Test
    void onlyTheRoomsHostExportsAndBadRequestsAreRefused() throws Exception {
        seed();
        HttpResponse<String> none = get("/api/rooms/hall/comments?format=json", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"amphi\"");
        assertThat(none.body()).doesNotContain("first");
        HttpResponse<String> wrong = get("/api/rooms/hall/comments?format=json", "Bearer not-the-key-0123");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"amphi\", error=\"invalid_token\"");
        assertThat(get("/api/rooms/hall/comments?format=json", "Bearer secret-stage-key-0123").statusCode())
                .as("another room's key").isEqualTo(401);
        assertThat(get("/api/rooms/hall/comments?format=json", "Viewer secret-hall-key-0123").statusCode())
                .as("another scheme").isEqualTo(401);
        assertThat(get("/api/rooms/nowhere/comments?format=json", "Bearer secret-hall-key-0123").statusCode()).isEqualTo(404);
        HttpResponse<String> csv = export("?format=csv");
        assertThat(csv.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(csv.body()).getString("error")).contains("json or xml");
        assertThat(export("?format=xml&from=yesterday").statusCode()).isEqualTo(400);
        assertThat(export("?format=xml&from=100&to=100").statusCode()).isEqualTo(400);
    }

    @Test
    void anUnreadableDatabaseIs503() throws Exception {
        seed();
        db.close();
        HttpResponse<String> r = export("?format=xml");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getString("error")).contains("try again");
    }

    private static String[] p(NodeList d, int index) {
        return ((Element) d.item(index)).getAttribute("p").split(",", -1);
    }

    private static String crc(String viewer) {
        CRC32 crc = new CRC32();
        crc.update(viewer.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
