"""One cluster for the topology tests (deploy/cluster.py), started once and stopped after
the last of them, whatever happened."""

import shutil
import tempfile
from pathlib import Path

import pytest

from deploy.cluster import Cluster, ClusterError, install_missing_packages


@pytest.fixture(scope="session")
def cluster(request):
    try:
        install_missing_packages()
    except ClusterError as error:
        pytest.skip(str(error))
    # Not under pytest's temporary folder: every pytest run that starts makes it private to
    # its user, which would shut PostgreSQL's own user out of the data folders.
    base_dir = Path(tempfile.mkdtemp(prefix="songfacts-cluster-"))
    try:
        # As behind a TLS proxy that adds the reader's address to X-Forwarded-For: each of
        # the tests' commenters comes from an address of its own, under the rate limit.
        with Cluster(base_dir, environment={"TRUSTED_PROXY_COUNT": "2"}) as running:
            yield running
    finally:
        if request.session.testsfailed:
            print(f"\nThe cluster's data and logs are kept in {base_dir}")
        else:
            shutil.rmtree(base_dir, ignore_errors=True)
