package io.octvex.desk.policy;

import io.octvex.protocol.Explanation;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.PolicyInput;
import io.octvex.protocol.PolicyVersionView;
import java.util.List;
import java.util.UUID;

/** What the policy screen needs from the server, in one workspace; blocking calls, made off the FX thread. */
interface PolicyApi {
    List<PolicyVersionView> versions();

    /** Compiles {@code document} without storing it (a dry run over one decision): 400 with line and column. */
    void compile(String document);

    /** Stores a new version; its tests run first (422 when one fails, nothing stored). */
    PolicyVersionView save(String document, boolean activate);

    PolicyVersionView activate(int version);

    PolicyDiff diff(int version, int against);

    Explanation explain(PolicyInput input);

    static PolicyApi of(OctvexClient client, UUID workspaceId) {
        return new PolicyApi() {
            @Override
            public List<PolicyVersionView> versions() {
                return client.policyVersions(workspaceId);
            }

            @Override
            public void compile(String document) {
                client.dryRunPolicy(workspaceId, document, 1);
            }

            @Override
            public PolicyVersionView save(String document, boolean activate) {
                return client.savePolicy(workspaceId, document, activate);
            }

            @Override
            public PolicyVersionView activate(int version) {
                return client.activatePolicy(workspaceId, version);
            }

            @Override
            public PolicyDiff diff(int version, int against) {
                return client.policyDiff(workspaceId, version, against);
            }

            @Override
            public Explanation explain(PolicyInput input) {
                return client.explainPolicy(workspaceId, input);
            }
        };
    }
}
