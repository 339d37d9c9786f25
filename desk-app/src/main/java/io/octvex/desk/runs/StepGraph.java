package io.octvex.desk.runs;

import io.octvex.protocol.StepView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's steps laid out in layers for drawing: a step's layer is the length of its longest chain of
 * dependencies (roots in layer 0), its row its place within the layer in submission order. Arrows go from a
 * dependency to the step that waits for it, so they always point to a later layer.
 */
record StepGraph(List<Node> nodes, List<Arrow> arrows, int layers, int rows) {

    record Node(StepView step, int layer, int row) {}

    record Arrow(String from, String to) {}

    static StepGraph of(List<StepView> steps) {
        Map<String, StepView> byKey = new HashMap<>();
        steps.forEach(s -> byKey.put(s.key(), s));
        Map<String, Integer> layer = new HashMap<>();
        for (StepView s : steps) {
            layerOf(s, byKey, layer, new HashSet<>());
        }
        List<Node> nodes = new ArrayList<>();
        Map<Integer, Integer> used = new HashMap<>();
        int layers = 0;
        int rows = 0;
        for (StepView s : steps) {
            int l = layer.get(s.key());
            int row = used.merge(l, 1, Integer::sum) - 1;
            nodes.add(new Node(s, l, row));
            layers = Math.max(layers, l + 1);
            rows = Math.max(rows, row + 1);
        }
        List<Arrow> arrows = new ArrayList<>();
        for (StepView s : steps) {
            for (String dependency : dependencies(s)) {
                if (byKey.containsKey(dependency)) {
                    arrows.add(new Arrow(dependency, s.key()));
                }
            }
        }
        return new StepGraph(List.copyOf(nodes), List.copyOf(arrows), layers, rows);
    }

    /** Longest chain below {@code s}; a cycle (the server refuses them) is cut rather than followed forever. */
    private static int layerOf(StepView s, Map<String, StepView> byKey, Map<String, Integer> layer, Set<String> path) {
        Integer known = layer.get(s.key());
        if (known != null) {
            return known;
        }
        if (!path.add(s.key())) {
            return 0;
        }
        int l = 0;
        for (String dependency : dependencies(s)) {
            StepView d = byKey.get(dependency);
            if (d != null) {
                l = Math.max(l, layerOf(d, byKey, layer, path) + 1);
            }
        }
        path.remove(s.key());
        layer.put(s.key(), l);
        return l;
    }

    private static List<String> dependencies(StepView s) {
        return s.dependsOn() == null ? List.of() : s.dependsOn();
    }
}
