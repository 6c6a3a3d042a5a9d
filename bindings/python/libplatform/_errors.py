# SPDX-License-Identifier: Apache-2.0
"""The exception classes libplatform raises: one per library status code."""

from typing import Dict, List


class Error(Exception):
    """A libplatform failure: the library's Status as a Python exception.

    Attributes:
        code: the status code's name, e.g. ``"invalid_argument"``.
        message: the one-line summary.
        details: every located problem behind it, each a dict with the keys
            ``location`` ("platform.yaml:12:5"), ``path`` ("kafka.brokers"),
            ``message`` (what is wrong and what to do) and ``rule``.

    ``str(error)`` is the summary followed by one line per detail.
    """

    code = "unknown"

    def __init__(self, message: str, details: List[Dict[str, str]] = (), text: str = ""):
        super().__init__(text or message)
        self.message = message
        self.details = [dict(d) for d in details]

    def __reduce__(self):
        return (type(self), (self.message, self.details, str(self)))


def _error_class(name, code, doc, *bases):
    return type(name, (Error,) + bases, {"code": code, "__doc__": doc, "__module__": "libplatform"})


Error.__module__ = "libplatform"
InvalidArgument = _error_class("InvalidArgument", "invalid_argument",
                               "Bad input from the caller: a spec, an override, a document, an option.", ValueError)
NotFound = _error_class("NotFound", "not_found", "A named thing does not exist: a file, a topic, an object.",
                        LookupError)
AlreadyExists = _error_class("AlreadyExists", "already_exists", "A named thing exists and must not.")
FailedPrecondition = _error_class("FailedPrecondition", "failed_precondition",
                                  "The system is not in a state to do this yet.")
Unavailable = _error_class("Unavailable", "unavailable",
                           "A peer (broker, API server) cannot be reached now; retrying may work.")
DeadlineExceeded = _error_class("DeadlineExceeded", "deadline_exceeded", "The call ran out of time.")
PermissionDenied = _error_class("PermissionDenied", "permission_denied",
                                "The peer refused the credentials or the verb.")
Unauthenticated = _error_class("Unauthenticated", "unauthenticated", "The peer did not accept who we are.")
Aborted = _error_class("Aborted", "aborted", "A conflict or an aborted transaction; retrying may work.")
ResourceExhausted = _error_class("ResourceExhausted", "resource_exhausted",
                                 "A limit was hit: a quota, a body size, a full queue.")
DataLoss = _error_class("DataLoss", "data_loss", "Data was lost or corrupted.")
Cancelled = _error_class("Cancelled", "cancelled", "The caller stopped the operation.")
Internal = _error_class("Internal", "internal", "A bug or an impossible state in libplatform; please report it.")
Unknown = _error_class("Unknown", "unknown", "A failure no other class describes.")

#: Exception class by status code name.
BY_CODE = {cls.code: cls for cls in (
    InvalidArgument, NotFound, AlreadyExists, FailedPrecondition, Unavailable, DeadlineExceeded, PermissionDenied,
    Unauthenticated, Aborted, ResourceExhausted, DataLoss, Cancelled, Internal, Unknown)}

ERROR_NAMES = ["Error"] + [cls.__name__ for cls in BY_CODE.values()]
__all__ = ERROR_NAMES


def _from_status(code: str, message: str, details: List[Dict[str, str]], text: str) -> Error:
    """Called by the extension to turn a library Status into an exception instance."""
    return BY_CODE.get(code, Unknown)(message, details, text)
