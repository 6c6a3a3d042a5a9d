# SPDX-License-Identifier: Apache-2.0
"""`import platform` gives libplatform's API while the standard module keeps working."""

import json
import os

import nbformat

from conftest import PYTHON, cell_text, run_notebook, run_python

STDLIB_CALLS = ("system", "python_version", "machine", "node", "release", "version", "platform",
                "python_implementation", "processor", "architecture", "uname", "libc_ver")
REPORT = ("import json, platform; print(json.dumps({n: str(getattr(platform, n)()) for n in %r}))" % (STDLIB_CALLS,))


def test_standard_functions_return_what_the_standard_library_returns():
    plain = json.loads(run_python(REPORT, "-s"))  # -s: no user site, so no libplatform.pth: the pure stdlib
    hooked = json.loads(run_python(REPORT))
    assert hooked == plain
    assert hooked["system"] == "Linux"


def test_platform_is_the_standard_module_and_reaches_libplatform():
    out = run_python(
        "import platform, sysconfig, os\n"
        "print(os.path.dirname(platform.__file__) == sysconfig.get_paths()['stdlib'])\n"
        "spec = platform.default_spec()\n"
        "print(type(spec).__name__, spec.kafka.brokers, platform.system())\n")
    assert out.split() == ["True", "PlatformSpec", "3", "Linux"]


def test_from_import_and_the_exception_classes():
    out = run_python(
        "from platform import default_spec, InvalidArgument, python_version\n"
        "try:\n"
        "    default_spec(set=['kafka.brokers=zero'])\n"
        "except InvalidArgument as e:\n"
        "    print(e.code, e.details[0]['path'])\n")
    assert out.split() == ["invalid_argument", "kafka.brokers"]


def test_startup_stays_cheap_and_the_extension_loads_on_first_use():
    out = run_python(
        "import sys\n"
        "print('platform' in sys.modules, 'libplatform' in sys.modules)\n"
        "import platform; platform.system()\n"
        "print('libplatform' in sys.modules)\n"
        "platform.PlatformSpec\n"
        "print('libplatform._core' in sys.modules)\n")
    assert out.split() == ["False", "False", "False", "True"]


def test_module_imported_before_site_is_patched_too():
    # -S: site (and .pth processing) does not run at start-up; platform is
    # imported first, then site runs, as in a process that imports platform early.
    out = run_python("import platform, site; site.main(); print(platform.default_spec().name)", "-S")
    assert out.strip() == "platform"


def test_dir_lists_both_and_unknown_names_fail_clearly(libplatform):
    out = run_python(
        "import platform\n"
        "names = dir(platform)\n"
        "print('system' in names, 'load_spec' in names)\n"
        "for name in ('no_such_thing', '_core'):\n"
        "    try:\n"
        "        getattr(platform, name)\n"
        "    except AttributeError as e:\n"
        "        print(type(e).__name__, e)\n")
    lines = out.splitlines()
    assert lines[0] == "True True"
    assert "no_such_thing" in lines[1] and "neither the standard library's platform nor libplatform" in lines[1]
    assert "'_core'" in lines[2] and "private" in lines[2]


def test_no_libplatform_name_clashes_with_the_standard_module(libplatform):
    stdlib = json.loads(run_python("import json, platform; print(json.dumps(list(vars(platform))))", "-s"))
    assert set(libplatform.__all__).isdisjoint(stdlib)
    assert all(hasattr(libplatform, name) for name in libplatform.__all__)


def test_a_users_own_platform_py_is_left_alone(tmp_path):
    (tmp_path / "platform.py").write_text("MINE = True\n")
    out = run_python("import platform; print(platform.MINE, hasattr(platform, 'default_spec'))", cwd=tmp_path)
    assert out.split() == ["True", "False"]


def test_in_a_real_jupyter_kernel():
    notebook = nbformat.v4.new_notebook(cells=[
        # The kernel imported the standard module before this cell ran.
        nbformat.v4.new_code_cell("import sys; print('platform' in sys.modules)"),
        nbformat.v4.new_code_cell("import platform\nprint(platform.system())"),
        nbformat.v4.new_code_cell("spec = platform.default_spec(set=['kafka.brokers=4'])\nprint(spec.kafka.brokers)"),
        nbformat.v4.new_code_cell("print(platform.python_version() == sys.version.split()[0], sys.executable)"),
    ])
    cells = run_notebook(notebook).cells
    assert [cell_text(c).strip() for c in cells] == ["True", os.uname().sysname, "4", f"True {PYTHON}"]
