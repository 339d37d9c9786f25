package io.octvex.protocol;

import java.util.List;

/** Sets a principal's roles in a workspace; an existing principal is added when not yet a member. */
public record PutMembership(List<Role> roles) {}
