package io.octvex.protocol;

import java.util.UUID;

/**
 * A credential a leased step may use: the name of a vault secret and how it is used ({@code bearer},
 * {@code basic}, {@code header} with the header's name, or {@code field}: one field of the secret, e.g. the
 * password a browser step fills in). No material: the edge redeems {@code leaseId} for it, sealed to its
 * own key, just before use.
 */
public record CredentialRef(UUID leaseId, String secret, String as, String header, String field) {}
