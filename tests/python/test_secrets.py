# SPDX-License-Identifier: Apache-2.0
"""Secrets hygiene in Python: a known password never shows in reprs, str(), the
exception a refused login raises, or its traceback; a spec's repr holds no
credential either (it names Secrets only)."""

import traceback

import pytest

PASSWORD = "Py-Amqp-S3cret-51"


def test_connection_options_never_show_the_password(libplatform):
    options = libplatform.AmqpConnection(username="alice", password=PASSWORD,
                                         tls=libplatform.AmqpTls(enabled=False))
    for text in (repr(options), str(options)):
        assert PASSWORD not in text
        assert "alice" in text  # the user is shown: it is what tells connections apart


def test_a_refused_login_does_not_echo_the_password(libplatform):
    options = libplatform.AmqpConnection(username="guest", password=PASSWORD, connect_timeout=5.0,
                                         reconnect=libplatform.AmqpReconnect(max_attempts=0))
    with pytest.raises(libplatform.Error) as caught:
        libplatform.AmqpPublisher(options)
    text = "".join(traceback.format_exception(caught.type, caught.value, caught.tb))
    assert PASSWORD not in text
    assert "127.0.0.1:5672" in text  # the message says where, just not with what


def test_the_spec_repr_names_secrets_but_holds_no_credentials(libplatform):
    spec = libplatform.default_spec()
    text = repr(spec.backstage)
    assert "credentials_secret='backstage-credentials'" in text
    assert "password" not in repr(spec).lower()
