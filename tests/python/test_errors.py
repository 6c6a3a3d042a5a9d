# SPDX-License-Identifier: Apache-2.0
"""Every library status code becomes its own exception class with code and details."""

import pickle

import pytest

CODES = {
    "invalid_argument": "InvalidArgument", "not_found": "NotFound", "already_exists": "AlreadyExists",
    "failed_precondition": "FailedPrecondition", "unavailable": "Unavailable",
    "deadline_exceeded": "DeadlineExceeded", "permission_denied": "PermissionDenied",
    "unauthenticated": "Unauthenticated", "aborted": "Aborted", "resource_exhausted": "ResourceExhausted",
    "data_loss": "DataLoss", "cancelled": "Cancelled", "internal": "Internal", "unknown": "Unknown",
}


@pytest.mark.parametrize("code,name", CODES.items())
def test_each_status_code_raises_its_class(libplatform, code, name):
    details = [{"location": "platform.yaml:3:5", "path": "kafka.brokers", "message": "must be >= 1", "rule": "min"}]
    with pytest.raises(getattr(libplatform, name)) as raised:
        libplatform._core._raise_status(code, "it failed", details)
    error = raised.value
    assert isinstance(error, libplatform.Error)
    assert type(error).__name__ == name and type(error).__module__ == "libplatform"
    assert error.code == code
    assert error.message == "it failed"
    assert error.details == details
    assert str(error) == "it failed\n  platform.yaml:3:5: kafka.brokers: must be >= 1 [min]"


def test_classes_fit_python_habits(libplatform):
    assert issubclass(libplatform.InvalidArgument, ValueError)
    assert issubclass(libplatform.NotFound, LookupError)
    assert libplatform.Unavailable.__doc__


def test_errors_pickle(libplatform):
    try:
        libplatform.default_spec(set=["kafka.brokers=x"])
    except libplatform.Error as error:
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), again.code, again.details, str(again)) == (
            type(error), error.code, error.details, str(error))
    else:
        pytest.fail("a bad override must raise")


def test_an_unknown_code_is_a_plain_value_error(libplatform):
    with pytest.raises(ValueError, match="unknown status code 'nope'"):
        libplatform._core._raise_status("nope", "x")
