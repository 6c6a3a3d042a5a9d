# SPDX-License-Identifier: Apache-2.0
"""The type stubs name every public class and function of the extension, and
help() shows real docstrings for the newer areas."""

import ast
import pathlib


def test_every_public_name_of_the_extension_has_a_stub(libplatform):
    stub = pathlib.Path(libplatform.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    stubbed = {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    stubbed |= {t.id for node in tree.body if isinstance(node, ast.AnnAssign) for t in [node.target]}
    public = {name for name in vars(libplatform._core) if not name.startswith("_")}
    assert public - stubbed == set()


def test_help_shows_real_docstrings(libplatform):
    for obj, words in [(libplatform.EmbeddedKafka, "context manager"), (libplatform.KafkaConsumer.poll, "GIL"),
                       (libplatform.Processor.__init__, "dead-lettered"), (libplatform.NetworkView.can_reach,
                                                                          "Verdict"),
                       (libplatform.add_tenant, "atomically"), (libplatform.Flow.run, "KeyboardInterrupt")]:
        assert words in obj.__doc__, obj
