package io.octvex.protocol;

import java.time.Instant;
import java.util.List;

public record MemberView(PrincipalView principal, List<Role> roles, Instant since) {}
