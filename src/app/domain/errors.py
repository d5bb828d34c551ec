"""Domain errors: each says what went wrong in the domain's words; the API maps them to HTTP."""


class DomainError(Exception):
    """Base class of every error the domain raises on purpose."""

    code = "domain_error"


class NotFound(DomainError):
    """The item does not exist for this owner (another owner's item is indistinguishable)."""

    code = "not_found"


class VersionConflict(DomainError):
    """The caller's expected version is not the stored one: a concurrent write happened."""

    code = "precondition_failed"


class InvalidCursor(DomainError):
    """A pagination cursor was forged, altered, or issued to another caller or query."""

    code = "invalid_cursor"


class ConcurrentModification(DomainError):
    """An unconditional update kept losing races with other writers; the caller may retry."""

    code = "concurrent_modification"


class StorageUnavailable(DomainError):
    """The data store could not be reached or throttled us; the request may be retried."""

    code = "storage_unavailable"


class IdentityRejected(DomainError):
    """The identity pool refused the caller's sign-in token."""

    code = "identity_rejected"


class DependencyUnavailable(DomainError):
    """A service we depend on (other than the data store) failed; the request may be retried."""

    code = "dependency_unavailable"
