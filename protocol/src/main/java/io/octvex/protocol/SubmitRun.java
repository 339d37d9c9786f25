package io.octvex.protocol;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** A task submitted as a run: a title, the task's own spec, and its steps. */
public record SubmitRun(String title, JsonNode spec, List<StepSpec> steps) {}
