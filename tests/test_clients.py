"""The client index follows API clients from creation to use, through every idiom."""

from __future__ import annotations

from conftest import FIXTURES

from linter.kube.clients import client_index, symbol_in_text
from linter.sources.python import parse

IDIOMS = FIXTURES / "python" / "client_idioms.py"


def _uses() -> list[tuple[int, str, str, bool]]:
    source = parse(IDIOMS.read_text(encoding="utf-8"))
    index = client_index(source)
    return [
        (source.line(u.attribute), source.code(u.attribute), u.api.cls.name, u.call is not None)
        for u in index.uses
    ]


def test_every_idiom_resolves_to_its_client() -> None:
    assert _uses() == [
        (43, "self.batch.create_namespaced_job", "BatchV1Api", True),
        (44, "self.jobs.delete_namespaced_job", "BatchV1Api", False),
        (45, "self._api().read_namespaced_job_status", "BatchV1Api", True),
        (46, 'APIS["batch"].list_namespaced_job', "BatchV1Api", True),
        (47, "batch_api().patch_namespaced_job", "BatchV1Api", True),
        (49, "k8s.BatchV1Api().create_namespaced_job", "BatchV1Api", True),
        (50, "self.core.delete_namespaced_pod", "CoreV1Api", True),
        (55, "api.create_namespaced_job", "BatchV1Api", True),
    ]


def test_own_method_with_a_client_name_is_not_a_client_call() -> None:
    assert not any(code == "self.create_namespaced_job" for _, code, _, _ in _uses())


def test_constructions_and_annotations_are_indexed() -> None:
    source = parse(IDIOMS.read_text(encoding="utf-8"))
    index = client_index(source)
    assert [source.line(c) for c, _ in index.constructions] == [13, 21, 32, 36, 49, 54]
    assert [(a.cls.name, source.code(a.node)) for a in index.annotations] == [
        ("BatchV1Api", "BatchV1Api"),
        ("CoreV1Api", '"CoreV1Api"'),
    ]


def test_file_without_a_client_import_has_an_empty_index() -> None:
    source = parse("class Batch:\n    def create_namespaced_job(self):\n        pass\n")
    index = client_index(source)
    assert (index.uses, index.constructions) == ([], [])


def test_string_annotation_resolves_only_a_whole_dotted_name() -> None:
    source = parse("from kubernetes import client\n")
    assert source.module is not None
    found = symbol_in_text(source, "client.BatchV1Api")
    assert found is not None and found.name == "BatchV1Api"
    assert symbol_in_text(source, "client.BatchV1Api()") is None
