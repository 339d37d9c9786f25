package io.octvex.server.oauth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The providers the brokerage knows, with their documented endpoints. Revocation endpoints are listed only where
 * the provider speaks RFC 7009 (a form POST of {@code token}); GitHub, Microsoft Entra, Atlassian, Notion and
 * Dropbox have none (or a non-standard one), so revoking their connections deletes the tokens here only.
 */
final class Providers {
    static final String GENERIC = "oidc";
    static final Map<String, Provider> ALL;

    static {
        Map<String, Provider> all = new LinkedHashMap<>();
        add(all, new Provider("github", "GitHub", "https://github.com/login/oauth/authorize",
                "https://github.com/login/oauth/access_token", null, List.of("read:user", "repo"), "post", Map.of(),
                false));
        add(all, new Provider("gitlab", "GitLab", "https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token",
                "https://gitlab.com/oauth/revoke", List.of("read_user", "api"), "post", Map.of(), false));
        add(all, new Provider("google", "Google", "https://accounts.google.com/o/oauth2/v2/auth",
                "https://oauth2.googleapis.com/token", "https://oauth2.googleapis.com/revoke",
                List.of("openid", "email", "profile"), "post",
                Map.of("access_type", "offline", "prompt", "consent"), false));
        add(all, new Provider("microsoft", "Microsoft Entra ID",
                "https://login.microsoftonline.com/" + Provider.TENANT + "/oauth2/v2.0/authorize",
                "https://login.microsoftonline.com/" + Provider.TENANT + "/oauth2/v2.0/token", null,
                List.of("openid", "profile", "email", "offline_access", "User.Read"), "post", Map.of(), false));
        add(all, new Provider("slack", "Slack", "https://slack.com/oauth/v2/authorize",
                "https://slack.com/api/oauth.v2.access", null, List.of("channels:read", "chat:write"), "post",
                Map.of(), false));
        add(all, new Provider("atlassian", "Atlassian", "https://auth.atlassian.com/authorize",
                "https://auth.atlassian.com/oauth/token", null, List.of("read:me", "offline_access"), "post",
                Map.of("audience", "api.atlassian.com", "prompt", "consent"), false));
        add(all, new Provider("notion", "Notion", "https://api.notion.com/v1/oauth/authorize",
                "https://api.notion.com/v1/oauth/token", null, List.of(), "basic", Map.of("owner", "user"), false));
        add(all, new Provider("linear", "Linear", "https://linear.app/oauth/authorize", "https://api.linear.app/oauth/token",
                "https://api.linear.app/oauth/revoke", List.of("read"), "post", Map.of(), false));
        add(all, new Provider("salesforce", "Salesforce", "https://login.salesforce.com/services/oauth2/authorize",
                "https://login.salesforce.com/services/oauth2/token", "https://login.salesforce.com/services/oauth2/revoke",
                List.of("api", "refresh_token"), "basic", Map.of(), false));
        add(all, new Provider("dropbox", "Dropbox", "https://www.dropbox.com/oauth2/authorize",
                "https://api.dropboxapi.com/oauth2/token", null, List.of("account_info.read", "files.metadata.read"),
                "basic", Map.of("token_access_type", "offline"), false));
        add(all, new Provider("zoom", "Zoom", "https://zoom.us/oauth/authorize", "https://zoom.us/oauth/token",
                "https://zoom.us/oauth/revoke", List.of(), "basic", Map.of(), false));
        add(all, new Provider(GENERIC, "Generic OpenID Connect / OAuth 2 (by issuer or endpoints)", null, null, null,
                List.of("openid"), "basic", Map.of(), true));
        ALL = java.util.Collections.unmodifiableMap(all);
    }

    private Providers() {}

    private static void add(Map<String, Provider> all, Provider provider) {
        all.put(provider.id(), provider);
    }
}
