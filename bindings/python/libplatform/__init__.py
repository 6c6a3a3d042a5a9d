# SPDX-License-Identifier: Apache-2.0
"""libplatform: describe, check, deploy and use an event-driven platform on Kubernetes.

The same package answers to two names:

* ``import libplatform`` - the canonical name;
* ``import platform`` - the standard library's ``platform`` module, which
  ``libplatform.pth`` teaches to forward every name it does not define itself
  to this package (``platform.default_spec()``), while ``platform.system()``
  and every other standard function keep working. See docs/python.md.

Names here never clash with the standard ``platform`` module's (``system``,
``version``, ``node``, ``release``, ``machine``, ``platform``, ...); a name
they would share is reachable only as ``libplatform.<name>``
(``libplatform.__version__``).

Failures raise :class:`Error` subclasses, one per library status code, with
``.code`` and ``.details`` (location, path, message, rule).
"""

from . import _core
from ._core import *  # noqa: F401,F403 - the extension's public names are the package's
from ._core import __version__  # noqa: F401
from ._errors import *  # noqa: F401,F403
from ._errors import ERROR_NAMES as _ERROR_NAMES
from . import _display

_display.install(_core)

#: The public names; ``import platform`` forwards exactly these.
__all__ = _ERROR_NAMES + sorted(name for name in vars(_core) if not name.startswith("_"))
