package io.octvex.desk.runs;

import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Point2D;
import javafx.scene.Group;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;

/**
 * A picture of a run's step graph: one box per step coloured by its status, arrows from a dependency to the
 * step that waits for it, layers left to right ({@link StepGraph}). Redrawn from scratch on every update:
 * graphs are small, and a rebuild cannot drift from the data.
 */
final class StepGraphView extends Pane {
    static final double BOX_W = 150;
    static final double BOX_H = 44;
    private static final double GAP_X = 60;
    private static final double GAP_Y = 18;
    private static final double MARGIN = 12;

    StepGraphView() {
        setId("stepGraph");
    }

    void show(List<StepView> steps) {
        getChildren().clear();
        StepGraph graph = StepGraph.of(steps);
        Map<String, Point2D> at = new HashMap<>();
        for (StepGraph.Node n : graph.nodes()) {
            at.put(n.step().key(), new Point2D(MARGIN + n.layer() * (BOX_W + GAP_X), MARGIN + n.row() * (BOX_H + GAP_Y)));
        }
        var arrows = new Group();
        for (StepGraph.Arrow a : graph.arrows()) {
            Point2D from = at.get(a.from()).add(BOX_W, BOX_H / 2);
            Point2D to = at.get(a.to()).add(0, BOX_H / 2);
            arrows.getChildren().addAll(arrow(from, to));
        }
        getChildren().add(arrows);
        for (StepGraph.Node n : graph.nodes()) {
            getChildren().add(box(n.step(), at.get(n.step().key())));
        }
        setPrefSize(2 * MARGIN + graph.layers() * (BOX_W + GAP_X) - GAP_X,
                2 * MARGIN + graph.rows() * (BOX_H + GAP_Y) - GAP_Y);
    }

    private static Group box(StepView step, Point2D at) {
        var rect = new Rectangle(BOX_W, BOX_H, fill(step.status()));
        rect.setArcWidth(10);
        rect.setArcHeight(10);
        rect.setStroke(stroke(step.status()));
        rect.setStrokeWidth(1.5);
        var key = new Text(8, 18, clip(step.key(), 18));
        key.setFont(Font.font(null, FontWeight.BOLD, 12));
        key.setFill(TEXT);
        var status = new Text(8, 35, step.status().wire() + (step.attempt() > 1 ? " · attempt " + step.attempt() : ""));
        status.setFont(Font.font(11));
        status.setFill(TEXT);
        var group = new Group(rect, key, status);
        group.setLayoutX(at.getX());
        group.setLayoutY(at.getY());
        group.setId("step-" + step.key());
        group.getProperties().put("status", step.status());
        Tooltip.install(group, new Tooltip(step.key() + " (" + step.handler() + ": " + step.action() + ")\n"
                + step.status().wire() + (step.error() == null ? "" : "\n" + step.error())));
        return group;
    }

    private static List<javafx.scene.Node> arrow(Point2D from, Point2D to) {
        var line = new Line(from.getX(), from.getY(), to.getX() - 8, to.getY());
        line.setStroke(ARROW);
        line.setStrokeWidth(1.4);
        double angle = Math.atan2(to.getY() - from.getY(), to.getX() - from.getX());
        double s = 8;
        var head = new Polygon(to.getX(), to.getY(),
                to.getX() - s * Math.cos(angle - 0.4), to.getY() - s * Math.sin(angle - 0.4),
                to.getX() - s * Math.cos(angle + 0.4), to.getY() - s * Math.sin(angle + 0.4));
        head.setFill(ARROW);
        return List.of(line, head);
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    // Shapes take paints, not style classes: a fixed palette close to Primer's, readable on light and dark
    private static final Color TEXT = Color.web("#1f2328");
    private static final Color ARROW = Color.web("#8c959f");

    static Color fill(StepStatus status) {
        return switch (status) {
            case PENDING -> Color.web("#f6f8fa");
            case QUEUED -> Color.web("#ddf4ff");
            case RUNNING -> Color.web("#b6e3ff");
            case BLOCKED -> Color.web("#fff1c5");
            case COMPLETED -> Color.web("#aceebb");
            case FAILED -> Color.web("#ffcecb");
            case CANCELLED, SKIPPED -> Color.web("#eaeef2");
        };
    }

    private static Color stroke(StepStatus status) {
        return switch (status) {
            case PENDING, CANCELLED, SKIPPED -> Color.web("#8c959f");
            case QUEUED, RUNNING -> Color.web("#0969da");
            case BLOCKED -> Color.web("#bf8700");
            case COMPLETED -> Color.web("#1a7f37");
            case FAILED -> Color.web("#cf222e");
        };
    }
}
