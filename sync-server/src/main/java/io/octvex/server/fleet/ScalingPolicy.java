package io.octvex.server.fleet;

/**
 * The auto-scaler's decision, a pure function of what it observed: scale up by N, drain N idle edges, or nothing.
 *
 * <ul>
 *   <li>Nothing happens within the cooldown after the last action.</li>
 *   <li>Fewer provisioned edges than {@code min}: up to {@code min}.</li>
 *   <li>Pressure — queued steps above {@code threshold × capacity} (capacity: the slots of the provisioned live
 *       edges plus those still starting) — and fewer than {@code max}: enough edges for the excess
 *       ({@code ceil(excess / (threshold × edgeCapacity))}, at least one), never above {@code max}.</li>
 *   <li>No queued step and idle edges above {@code min}: drain the idle ones, down to {@code min}.</li>
 * </ul>
 */
final class ScalingPolicy {
    private ScalingPolicy() {}

    record Limits(int min, int max, double threshold, int edgeCapacity) {}

    /**
     * @param queued      queued steps for the watched (workspace, capabilities)
     * @param capacity    slots of the provisioned live edges, plus {@code edgeCapacity} for each still starting
     * @param provisioned provisioned edges that count: live and active, or launched and not yet enrolled
     * @param idle        provisioned live edges idle for longer than idle-before-drain
     * @param cooledDown  the cooldown since the last action has passed
     */
    record Observation(int queued, int capacity, int provisioned, int idle, boolean cooledDown) {}

    record Decision(int up, int down) {
        static final Decision NOTHING = new Decision(0, 0);

        boolean nothing() {
            return up == 0 && down == 0;
        }
    }

    static Decision decide(Observation o, Limits l) {
        if (!o.cooledDown()) {
            return Decision.NOTHING;
        }
        if (o.provisioned() < l.min()) {
            return new Decision(l.min() - o.provisioned(), 0);
        }
        boolean pressure = o.queued() > 0 && o.queued() > l.threshold() * o.capacity();
        if (pressure) {
            if (o.provisioned() >= l.max()) {
                return Decision.NOTHING;
            }
            double excess = o.queued() - l.threshold() * o.capacity();
            int wanted = (int) Math.max(1, Math.ceil(excess / (l.threshold() * l.edgeCapacity())));
            return new Decision(Math.min(l.max() - o.provisioned(), wanted), 0);
        }
        if (o.queued() == 0 && o.idle() > 0 && o.provisioned() > l.min()) {
            return new Decision(0, Math.min(o.idle(), o.provisioned() - l.min()));
        }
        return Decision.NOTHING;
    }
}
