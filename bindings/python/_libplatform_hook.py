# SPDX-License-Identifier: Apache-2.0
"""Lets ``import platform`` reach libplatform without shadowing the standard library.

``libplatform.pth`` runs :func:`install` when the interpreter starts (``site``
executes ``import`` lines of ``.pth`` files in site directories). The standard
``platform`` module stays the one that is imported; it only gains a PEP 562
module ``__getattr__`` and ``__dir__``: a name the standard module does not
define (``platform.default_spec``) is looked up in ``libplatform.__all__``,
importing libplatform and its extension on that first use. Every standard
function (``platform.system()``, ``platform.version()``, ...) is untouched and
wins over a libplatform name.

Start-up stays cheap: when ``platform`` is not imported yet, only a meta-path
finder is added; it lets the normal path finder locate the standard module and
swaps in a loader that adds the two functions right after the module runs.
Jupyter kernels import ``platform`` before the first cell, which is why a
package merely named ``platform`` would never be seen there.

This module must never break interpreter start-up: every failure is ignored.
"""

import os
import sys
from importlib.machinery import PathFinder, SourceFileLoader

_MARK = "__libplatform_forwarding__"
_STDLIB_DIR = os.path.dirname(os.path.abspath(os.__file__))


def _missing(name, why):
    return AttributeError(f"module 'platform' has no attribute {name!r} ({why})")


def _forward(module):
    """Adds the forwarding ``__getattr__``/``__dir__`` to the standard module."""
    namespace = module.__dict__
    if namespace.get(_MARK):
        return

    def __getattr__(name):
        if name.startswith("_"):
            raise _missing(name, "private names are not forwarded to libplatform")
        try:
            import libplatform
        except ImportError as error:
            raise _missing(name, f"libplatform, which `import platform` forwards to, failed to import: {error}") from error
        if name in libplatform.__all__:
            return getattr(libplatform, name)
        raise _missing(name, "neither the standard library's platform nor libplatform defines it")

    def __dir__():
        names = set(namespace)
        try:
            import libplatform
            names.update(libplatform.__all__)
        except ImportError:
            pass
        return sorted(names)

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
    namespace[_MARK] = True


class _Loader(SourceFileLoader):
    """The standard source loader, plus the forwarding once the module has run."""

    def exec_module(self, module):
        super().exec_module(module)
        _forward(module)


class _Finder:
    """Finds the standard ``platform`` module exactly as the path finder does."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname != "platform":
            return None
        spec = PathFinder.find_spec(fullname, path, target)
        # Only the standard library's platform.py: a user's own platform.py
        # earlier on sys.path is left alone.
        if (spec is None or type(spec.loader) is not SourceFileLoader or not spec.origin
                or os.path.dirname(os.path.abspath(spec.origin)) != _STDLIB_DIR):
            return None
        spec.loader = _Loader(spec.loader.name, spec.loader.path)
        return spec


def install():
    """Makes the standard ``platform`` module forward unknown names to libplatform."""
    try:
        module = sys.modules.get("platform")
        if module is not None:
            _forward(module)
        elif _Finder not in sys.meta_path:
            sys.meta_path.insert(0, _Finder)
    except Exception:  # noqa: BLE001 - start-up must go on whatever happens
        pass
