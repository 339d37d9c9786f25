-- A credential lease may hand over one field of a secret (a browser step filling a password), not only a
-- header.
ALTER TABLE credential_leases DROP CONSTRAINT credential_leases_usage_check;
ALTER TABLE credential_leases ADD CONSTRAINT credential_leases_usage_check
    CHECK (usage IN ('bearer', 'basic', 'header', 'field'));
ALTER TABLE credential_leases ADD COLUMN field text
    CHECK ((usage = 'field') = (field IS NOT NULL) AND (field IS NULL OR field IN ('value', 'username', 'password', 'token')));
