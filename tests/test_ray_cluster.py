"""A simulated 2-node Ray cluster (ray.cluster_utils.Cluster, both nodes on
this machine, one CPU each) against the fake model server: one worker per
node, both working, and the dossier byte-identical to one process's."""

from __future__ import annotations

import threading

import pytest

from fake_model import Call, FakeModel, Reply, good
from summariser.pipeline import RayOptions, RunOptions, run
from test_ray import ARTICLES, endpoint, process_of, write_corpus


@pytest.fixture(scope="module")
def two_nodes():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'summariser[ray]')")
    from ray.cluster_utils import Cluster

    cluster = Cluster()
    for _ in range(2):
        cluster.add_node(num_cpus=1, object_store_memory=80 * 1024 * 1024)
    ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False)
    cluster.wait_for_nodes()
    yield cluster
    ray.shutdown()
    cluster.shutdown()


def noting_who_asks(processes: set[int]):
    lock = threading.Lock()

    def script(call: Call) -> Reply:
        pid = process_of(call.peer)
        with lock:
            processes.add(pid)
        return good(call)

    return script


@pytest.mark.ray
def test_two_nodes_give_the_dossier_of_one_process(tmp_path, two_nodes):
    import ray

    assert sum(1 for node in ray.nodes() if node["Alive"]) == 2
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    with FakeModel(good) as fake, endpoint(fake) as backend:
        alone = run([corpus], backend, RunOptions(output=tmp_path / "alone" / "d.json",
                                                  extractions_dir=tmp_path / "alone" / "x", concurrency=2))
    askers: set[int] = set()
    with FakeModel(noting_who_asks(askers)) as fake, endpoint(fake) as backend:
        # No --ray-workers: one worker per node.
        on_ray = run([corpus], backend, RunOptions(output=tmp_path / "ray" / "d.json", extractions_dir=tmp_path / "ray" / "x",
                                                   concurrency=2, ray=RayOptions(address=two_nodes.address)))
    assert on_ray.count("extracted") == alone.count("extracted") == ARTICLES
    assert len(askers) == 2 and None not in askers  # both workers answered
    assert on_ray.model_usage == alone.model_usage  # the workers' calls are counted by the driver
    assert (tmp_path / "ray" / "d.json").read_bytes() == (tmp_path / "alone" / "d.json").read_bytes()
    assert sorted(p.read_bytes() for p in (tmp_path / "ray" / "x").iterdir()) == \
        sorted(p.read_bytes() for p in (tmp_path / "alone" / "x").iterdir())
