# SPDX-License-Identifier: Apache-2.0
from ._core import *  # noqa: F401,F403
from ._core import __version__ as __version__
from ._errors import *  # noqa: F401,F403

__all__: list[str]
