package io.octvex.desk.runs;

import atlantafx.base.theme.Styles;
import io.octvex.protocol.TimelineEntry;
import java.io.ByteArrayInputStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.UUID;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import tools.jackson.databind.JsonNode;

/**
 * One line of a run's timeline: when, what kind, the server's sentence, and for placements the reasons (score
 * breakdown, runners-up), for image artifacts the picture itself.
 */
final class TimelineCell extends ListCell<TimelineEntry> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final RunsModel model;
    private final Label time = new Label();
    private final Label kind = new Label();
    private final Label summary = new Label();
    private final Label extra = new Label();
    private final ImageView image = new ImageView();
    private final VBox text = new VBox(2, summary, extra, image);
    private final HBox box = new HBox(10, time, kind, text);

    TimelineCell(RunsModel model) {
        this.model = model;
        time.getStyleClass().add(Styles.TEXT_MUTED);
        time.setMinWidth(Region.USE_PREF_SIZE);
        kind.getStyleClass().add(Styles.TEXT_SMALL);
        kind.setMinWidth(78);
        // wrapped labels as tall as their text needs, else the cell cuts them with an ellipsis
        summary.setWrapText(true);
        summary.setMinHeight(Region.USE_PREF_SIZE);
        extra.setWrapText(true);
        extra.setMinHeight(Region.USE_PREF_SIZE);
        extra.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        image.setPreserveRatio(true);
        image.setFitWidth(320);
        HBox.setHgrow(text, Priority.ALWAYS);
        box.setPadding(new Insets(3, 2, 3, 2));
        setPrefWidth(0); // as wide as the list, not as the longest line: long lines wrap instead of scrolling
    }

    @Override
    protected void updateItem(TimelineEntry entry, boolean empty) {
        super.updateItem(entry, empty);
        if (empty || entry == null) {
            setGraphic(null);
            return;
        }
        time.setText(entry.at() == null ? "" : TIME.format(entry.at()));
        String type = entry.type() == null ? "" : entry.type();
        kind.setText(kindOf(type));
        kind.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER, Styles.WARNING, Styles.ACCENT);
        String style = styleOf(type, entry.data());
        if (style != null) {
            kind.getStyleClass().add(style);
        }
        summary.setText(entry.summary());
        String reasons = type.equals("step.placed") ? placementReasons(entry.data()) : "";
        extra.setText(reasons);
        extra.setVisible(!reasons.isEmpty());
        extra.setManaged(!reasons.isEmpty());
        showImage(entry);
        setGraphic(box);
    }

    private void showImage(TimelineEntry entry) {
        image.setImage(null);
        UUID artifactId = imageArtifact(entry);
        image.setVisible(artifactId != null);
        image.setManaged(artifactId != null);
        if (artifactId == null) {
            return;
        }
        image.setId("artifact-" + artifactId);
        model.artifact(runIdOf(entry), artifactId, bytes -> {
            if (getItem() == entry) { // the cell may show another entry by now
                image.setImage(new Image(new ByteArrayInputStream(bytes)));
            }
        });
    }

    private UUID runIdOf(TimelineEntry entry) {
        var d = model.detailProperty().get();
        return d == null ? null : d.run().id();
    }

    /** The artifact id of an image artifact (a screenshot), else null. */
    static UUID imageArtifact(TimelineEntry entry) {
        if (!"step.artifact".equals(entry.type()) || entry.data() == null) {
            return null;
        }
        String contentType = entry.data().path("contentType").asString("");
        String id = entry.data().path("artifactId").asString("");
        if (!contentType.startsWith("image/png") && !contentType.startsWith("image/jpeg")
                && !contentType.startsWith("image/gif") || id.isEmpty()) {
            return null;
        }
        return UUID.fromString(id);
    }

    /** "why here": the winning score's components and the runners-up, from {@code step.placed}. */
    static String placementReasons(JsonNode data) {
        if (data == null) {
            return "";
        }
        var b = new StringBuilder();
        JsonNode breakdown = data.path("breakdown");
        if (breakdown.isObject()) {
            b.append("why: ");
            var parts = new java.util.ArrayList<String>();
            for (var e : breakdown.properties()) {
                parts.add(e.getKey() + " " + String.format(Locale.ROOT, "%.2f", e.getValue().asDouble()));
            }
            b.append(String.join(", ", parts));
        }
        if (data.hasNonNull("rule")) {
            b.append(b.isEmpty() ? "" : "; ").append("rule ").append(data.path("rule").asString());
        }
        JsonNode candidates = data.path("candidates");
        if (candidates.isArray() && candidates.size() > 1) {
            b.append(b.isEmpty() ? "" : "; ").append("candidates: ");
            Iterator<JsonNode> it = candidates.iterator();
            var names = new java.util.ArrayList<String>();
            while (it.hasNext()) {
                JsonNode c = it.next();
                names.add(c.path("edgeName").asString("?") + " "
                        + String.format(Locale.ROOT, "%.2f", c.path("score").asDouble()));
            }
            b.append(String.join(", ", names));
        }
        return b.toString();
    }

    static String kindOf(String type) {
        int dot = type.indexOf('.');
        String head = dot < 0 ? type : type.substring(0, dot);
        return switch (type) {
            case "step.placed", "step.unplaced" -> "placement";
            case "step.progress" -> "progress";
            case "step.checkpoint" -> "checkpoint";
            case "step.artifact" -> "artifact";
            case "policy.decided" -> "policy";
            case "credential.leased", "secret.accessed" -> "credential";
            default -> head;
        };
    }

    private static String styleOf(String type, JsonNode data) {
        String to = data == null ? "" : data.path("to").asString("");
        String effect = data == null ? "" : data.path("effect").asString("");
        if (type.endsWith(".transitioned")) {
            return switch (to) {
                case "completed" -> Styles.SUCCESS;
                case "failed" -> Styles.DANGER;
                case "blocked", "cancelled" -> Styles.WARNING;
                default -> Styles.ACCENT;
            };
        }
        return switch (type) {
            case "policy.decided" -> effect.equals("deny") ? Styles.DANGER
                    : effect.equals("allow") ? Styles.SUCCESS : Styles.WARNING;
            case "approval.approved" -> Styles.SUCCESS;
            case "approval.denied", "lease.expired", "lease.fenced" -> Styles.DANGER;
            case "approval.requested", "step.unplaced", "credential.leased", "secret.accessed" -> Styles.WARNING;
            default -> null;
        };
    }
}
