package io.octvex.server.fleet;

import io.octvex.protocol.ArtifactUpload;
import io.octvex.protocol.ArtifactView;
import io.octvex.protocol.CheckpointReport;
import io.octvex.protocol.Json;
import io.octvex.protocol.ProgressReport;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.ResultOutcome;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.database.GenericPlans;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an edge reports about a step it leased: progress, checkpoints, artifacts and the terminal result.
 * Each report carries the lease's epoch. Under the run's lock the step is checked: invisible to the edge →
 * 404; body invalid → 400 (nothing written); not leased to this edge at this epoch → 409, and the refusal is
 * audited as {@code lease.fenced} (committed, while nothing else changes).
 */
@Service
class StepReports {
    static final int MAX_MESSAGE = 2000;
    static final int MAX_SUMMARY = 500;
    static final int MAX_JSON = 64 * 1024;
    static final int MAX_PROGRESS_DATA = 16 * 1024;
    /** Results in one batch: an edge has at most {@link EdgeInputs#MAX_CAPACITY} steps in flight. */
    static final int MAX_BATCH = EdgeInputs.MAX_CAPACITY;
    static final Pattern CONTENT_TYPE =
            Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}$");

    private final LeaseStore leases;
    private final ArtifactStore artifacts;
    private final Runs runs;
    private final AuditLog audit;
    private final EdgeHealth health;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final GenericPlans plans;
    private volatile long maxArtifactBytes;

    StepReports(LeaseStore leases, ArtifactStore artifacts, Runs runs, AuditLog audit, EdgeHealth health,
                TransactionTemplate tx, FleetProperties properties, Clock clock, GenericPlans plans) {
        this.leases = leases;
        this.plans = plans;
        this.artifacts = artifacts;
        this.runs = runs;
        this.audit = audit;
        this.health = health;
        this.tx = tx;
        this.clock = clock;
        this.maxArtifactBytes = properties.maxArtifactSize().toBytes();
    }

    /** For tests: the limit as if configured. */
    void maxArtifactBytes(long bytes) {
        this.maxArtifactBytes = bytes;
    }

    long maxArtifactBytes() {
        return maxArtifactBytes;
    }

    void progress(AuthenticatedEdge edge, UUID stepId, ProgressReport report) {
        fenced(edge, stepId, report == null ? null : report.epoch(), report == null, held -> {
            String message = text("message", report.message(), MAX_MESSAGE);
            Integer percent = report.percent();
            if (percent != null && (percent < 0 || percent > 100)) {
                throw ApiException.badRequest("'percent' must be between 0 and 100, got " + percent);
            }
            JsonNode data = report.data() == null || report.data().isNull() ? null : bounded(report.data(), "data",
                    MAX_PROGRESS_DATA);
            return () -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("key", held.key());
                event.put("message", message);
                event.put("percent", percent);
                if (data != null) {
                    event.put("data", data);
                }
                audit.append(held.workspaceId(), AuditEntry.ofRun("step.progress", held.runId(), held.id(), null, event));
                return null;
            };
        });
    }

    void checkpoint(AuthenticatedEdge edge, UUID stepId, CheckpointReport report) {
        fenced(edge, stepId, report == null ? null : report.epoch(), report == null, held -> {
            String summary = text("summary", report.summary(), MAX_SUMMARY);
            JsonNode state = report.state() == null || report.state().isNull() ? null
                    : bounded(report.state(), "state", MAX_JSON);
            return () -> {
                ObjectNode stored = JsonNodeFactory.instance.objectNode();
                stored.put("summary", summary);
                stored.set("state", state);
                stored.put("at", now().toString());
                leases.storeCheckpoint(held.workspaceId(), held.id(), stored);
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("key", held.key());
                event.put("summary", summary);
                audit.append(held.workspaceId(), AuditEntry.ofRun("step.checkpoint", held.runId(), held.id(), null, event));
                return null;
            };
        });
    }

    ArtifactView artifact(AuthenticatedEdge edge, UUID stepId, ArtifactUpload upload) {
        return fenced(edge, stepId, upload == null ? null : upload.epoch(), upload == null, held -> {
            String name = text("name", upload.name(), 200);
            if (name == null) {
                throw ApiException.badRequest("'name' is required (1 to 200 characters)");
            }
            String contentType = upload.contentType() == null || upload.contentType().isBlank()
                    ? "application/octet-stream" : upload.contentType().strip().toLowerCase(java.util.Locale.ROOT);
            if (!CONTENT_TYPE.matcher(contentType).matches()) {
                throw ApiException.badRequest("'contentType' must be a media type such as image/png, got '"
                        + EdgeInputs.printable(contentType) + "'");
            }
            if (upload.contentBase64() == null) {
                throw ApiException.badRequest("'contentBase64' is required (the file, base64-encoded)");
            }
            long limit = maxArtifactBytes;
            if ((long) upload.contentBase64().length() / 4 * 3 > limit + 3) {
                throw tooLarge(limit);
            }
            byte[] content;
            try {
                content = Base64.getDecoder().decode(upload.contentBase64().replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'contentBase64' is not valid base64");
            }
            if (content.length > limit) {
                throw tooLarge(limit);
            }
            return () -> {
                ArtifactView view = new ArtifactView(UUID.randomUUID(), held.runId(), held.id(), name, contentType,
                        content.length, sha256(content), now());
                artifacts.insert(held.workspaceId(), edge.id(), view, content);
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("key", held.key());
                event.put("artifactId", view.id().toString());
                event.put("name", name);
                event.put("contentType", contentType);
                event.put("size", view.size());
                event.put("sha256", view.sha256());
                audit.append(held.workspaceId(), AuditEntry.ofRun("step.artifact", held.runId(), held.id(), null, event));
                return view;
            };
        });
    }

    void result(AuthenticatedEdge edge, UUID stepId, StepResult result) {
        fenced(edge, stepId, result == null ? null : result.epoch(), result == null, held -> {
            Checked checked = check(result, "");
            return () -> { // the move to its terminal status ends the lease (ADR 0036)
                if (checked.status() == StepStatus.COMPLETED) {
                    health.succeeded(edge.id());
                } else {
                    health.failed(edge.id(), "step '" + held.key() + "' failed", now());
                }
                finish(held, checked);
                return null;
            };
        });
    }

    /** A result batch whose body passed {@link #check(ResultBatch)}: what {@link #record} writes. */
    record CheckedBatch(List<ResultBatch.BatchedResult> items, Set<UUID> stepIds, List<Checked> checked) {}

    /** Checks a result batch's whole body; a 400 naming the field, before anything is written. */
    CheckedBatch check(ResultBatch batch) {
        if (batch == null || batch.results() == null || batch.results().isEmpty()) {
            throw ApiException.badRequest("a result batch needs a body: {\"results\": [{\"stepId\", \"epoch\", "
                    + "\"status\": \"completed\"/\"failed\", \"result\", \"error\"}]}");
        }
        List<ResultBatch.BatchedResult> items = batch.results();
        if (items.size() > MAX_BATCH) {
            throw ApiException.badRequest("'results' holds " + items.size() + " results; at most " + MAX_BATCH
                    + " are allowed in one request");
        }
        Set<UUID> stepIds = new LinkedHashSet<>();
        List<Checked> checked = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            ResultBatch.BatchedResult item = items.get(i);
            if (item == null || item.stepId() == null) {
                throw ApiException.badRequest("'results[" + i + "]' needs a 'stepId'");
            }
            if (!stepIds.add(item.stepId())) {
                throw ApiException.badRequest("'results' lists step " + item.stepId() + " twice");
            }
            checked.add(check(item.toResult(), "results[" + i + "]."));
        }
        return new CheckedBatch(items, stepIds, checked);
    }

    /**
     * Records several results in the caller's transaction (ADR 0027; {@link Leases#report} adds the refill).
     * Under the locks of all their runs, each result is checked against its own lease exactly as a single
     * report is: recorded, fenced (audited as {@code lease.fenced}, like a single report's 409), or unknown
     * (like its 404). A step's run reaches completion at most once whatever is resent: a second report of the
     * same result finds the lease released and is fenced.
     */
    ResultBatchAck record(AuthenticatedEdge edge, CheckedBatch batch) {
        plans.forThisTransaction();
        List<ResultBatch.BatchedResult> items = batch.items();
        Map<UUID, LeaseStore.Held> held = leases.lockSteps(edge.workspaceIds(), batch.stepIds());
        List<ResultOutcome> outcomes = new ArrayList<>(items.size());
        List<Runs.StepReport> finished = new ArrayList<>();
        boolean succeeded = false;
        for (int i = 0; i < items.size(); i++) {
            ResultBatch.BatchedResult item = items.get(i);
            LeaseStore.Held step = held.get(item.stepId());
            if (step == null) {
                outcomes.add(new ResultOutcome(item.stepId(), ResultOutcome.UNKNOWN,
                        "step " + item.stepId() + " is not visible to this edge"));
            } else if (!step.heldBy(edge.id(), item.epoch())) {
                outcomes.add(new ResultOutcome(item.stepId(), ResultOutcome.FENCED,
                        recordFenced(edge, step, item.epoch())));
            } else {
                // the failure count as if reported one by one: a completion resets it, each failure counts
                if (batch.checked().get(i).status() == StepStatus.COMPLETED) {
                    succeeded = true;
                } else {
                    if (succeeded) {
                        health.succeeded(edge.id());
                        succeeded = false;
                    }
                    health.failed(edge.id(), "step '" + step.key() + "' failed", now());
                }
                finished.add(report(step, batch.checked().get(i)));
                outcomes.add(new ResultOutcome(item.stepId(), ResultOutcome.RECORDED, null));
            }
        }
        if (succeeded) {
            health.succeeded(edge.id());
        }
        // the steps are locked and their leases checked above: move them (with their runs) in a fixed number of
        // statements, whatever the batch's size; each move out of running ends its lease in the same row update
        runs.updateSteps(finished, null);
        return new ResultBatchAck(outcomes);
    }

    /** A terminal result as checked: what {@link #finish} stores. */
    record Checked(StepStatus status, JsonNode value, String error) {}

    /** Checks a result's body (400 naming the field, prefixed with {@code where}). */
    private static Checked check(StepResult result, String where) {
        if (result.status() != StepStatus.COMPLETED && result.status() != StepStatus.FAILED) {
            throw ApiException.badRequest("'" + where + "status' of a result must be completed or failed, got "
                    + (result.status() == null ? "nothing" : result.status().wire()));
        }
        JsonNode value = result.result() == null || result.result().isNull() ? null : result.result();
        if (value != null && result.status() != StepStatus.COMPLETED) {
            throw ApiException.badRequest("'" + where + "result' is stored only with status completed");
        }
        if (result.error() != null && result.status() != StepStatus.FAILED) {
            throw ApiException.badRequest("'" + where + "error' is stored only with status failed");
        }
        if (value != null) {
            bounded(value, where + "result", MAX_JSON);
        }
        String error = result.status() == StepStatus.FAILED
                ? (result.error() == null || result.error().isBlank() ? "the edge reported a failure without a message"
                : result.error()) : null;
        return new Checked(result.status(), value, error);
    }

    private static Runs.StepReport report(LeaseStore.Held held, Checked result) {
        return new Runs.StepReport(held.workspaceId(), held.runId(), held.id(),
                new StepUpdate(result.status(), result.value(), result.error(), held.version()));
    }

    /** Moves the step to its terminal status, with every consequence for its run, in the caller's transaction. */
    private void finish(LeaseStore.Held held, Checked result) {
        runs.updateStep(held.workspaceId(), held.runId(), held.id(),
                new StepUpdate(result.status(), result.value(), result.error(), held.version()), null);
    }

    /**
     * The frame of every report: in one transaction, lock the step's run and read the step (404 when the edge
     * cannot see it), validate the body (400), check the lease (409 + {@code lease.fenced}), then apply.
     */
    <T> T fenced(AuthenticatedEdge edge, UUID stepId, Long epoch, boolean missingBody,
                         Function<LeaseStore.Held, java.util.function.Supplier<T>> validate) {
        Outcome<T> outcome = tx.execute(status -> {
            LeaseStore.Held held = leases.lockStep(edge.workspaceIds(), stepId)
                    .orElseThrow(() -> ApiException.notFound("step " + stepId));
            if (missingBody) {
                throw ApiException.badRequest("a report needs a body with the lease's 'epoch'");
            }
            java.util.function.Supplier<T> apply = validate.apply(held);
            if (!held.heldBy(edge.id(), epoch)) {
                return new Outcome<T>(null, recordFenced(edge, held, epoch));
            }
            return new Outcome<>(apply.get(), null);
        });
        if (outcome.refusal() != null) {
            throw ApiException.conflict(outcome.refusal());
        }
        return outcome.value();
    }

    private record Outcome<T>(T value, String refusal) {}

    /** Audits a report refused because the lease is not the edge's at {@code epoch}; answers why, for the edge. */
    private String recordFenced(AuthenticatedEdge edge, LeaseStore.Held held, long epoch) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("stepId", held.id().toString());
        data.put("key", held.key());
        data.put("epoch", epoch);
        data.put("currentEpoch", held.epoch());
        data.put("edgeId", edge.id().toString());
        data.put("status", held.status().wire());
        audit.append(held.workspaceId(), AuditEntry.ofRun("lease.fenced", held.runId(), held.id(), null, data));
        return fencedDetail(edge, held, epoch);
    }

    private static String fencedDetail(AuthenticatedEdge edge, LeaseStore.Held held, long epoch) {
        if (!edge.id().equals(held.edgeId()) || held.leaseExpiresAt() == null) {
            return "this edge does not hold a lease on step '" + held.key() + "' (epoch " + epoch
                    + "); stop working on it";
        }
        if (held.epoch() != epoch) {
            return "the lease on step '" + held.key() + "' is at epoch " + held.epoch() + ", not " + epoch
                    + ": it was lost and offered again; stop working on it";
        }
        return "step '" + held.key() + "' is " + held.status().wire() + "; it takes no more reports";
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Artifact too large",
                "an artifact may hold at most " + limit + " bytes (octvex.fleet.max-artifact-size)");
    }

    private static String text(String field, String value, int max) {
        return text(field, value, max, true);
    }

    /**
     * Text of at most {@code max} characters without control characters (tab and line breaks allowed when
     * {@code multiLine}); null stays null. Every text field an edge sends passes here.
     */
    static String text(String field, String value, int max, boolean multiLine) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw ApiException.badRequest("'" + field + "' has " + value.length() + " characters; at most " + max
                    + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\t' || c == '\r'))) {
                throw ApiException.badRequest("'" + field + "' contains the control character U+"
                        + String.format("%04X", (int) c) + (multiLine ? "; only tab and line breaks are allowed"
                        : "; it must be a single line"));
            }
        }
        return value;
    }

    /** A JSON document no larger than {@code max} bytes, without NUL (jsonb cannot hold it). */
    private static JsonNode bounded(JsonNode node, String field, int max) {
        String text = Json.write(node);
        if (text.getBytes(StandardCharsets.UTF_8).length > max) {
            throw ApiException.badRequest("'" + field + "' is larger than " + max + " bytes");
        }
        if (text.contains("\\u0000")) {
            throw ApiException.badRequest("'" + field + "' contains NUL characters, which cannot be stored");
        }
        return node;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
