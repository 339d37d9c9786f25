-- Key management needs an existing key (ADR 0026, addendum). Once a principal has a security key, adding
-- another or removing one takes a fresh assertion by one of their keys over a 'key_management' challenge:
-- its own kind and purpose, so an approval's assertion is never accepted for it, nor the other way round.
ALTER TABLE webauthn_ceremonies DROP CONSTRAINT webauthn_ceremonies_kind_check;
ALTER TABLE webauthn_ceremonies ADD CONSTRAINT webauthn_ceremonies_kind_check
    CHECK (kind IN ('registration', 'step_up', 'key_management'));
ALTER TABLE webauthn_ceremonies DROP CONSTRAINT webauthn_ceremonies_decision_check;
ALTER TABLE webauthn_ceremonies ADD CONSTRAINT webauthn_ceremonies_decision_check
    CHECK (decision IN ('approve', 'register', 'remove'));
ALTER TABLE webauthn_ceremonies ADD CONSTRAINT webauthn_ceremonies_purpose_check
    CHECK ((kind = 'key_management') = coalesce(decision IN ('register', 'remove'), false));
-- the key a removal names (no foreign key: the row is deleted by the very action the challenge allows)
ALTER TABLE webauthn_ceremonies ADD COLUMN key_id uuid;
ALTER TABLE webauthn_ceremonies ADD CONSTRAINT webauthn_ceremonies_key_check
    CHECK (coalesce(decision = 'remove', false) = (key_id IS NOT NULL));
-- a registration started on the strength of an existing key's assertion; one started without (the first
-- key) can only finish while the principal still has no key
ALTER TABLE webauthn_ceremonies ADD COLUMN proven boolean NOT NULL DEFAULT false;
