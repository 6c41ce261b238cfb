"""The local Meilisearch the embedded default and the test suite start."""

from hub import meili
from tests.conftest import require


def test_a_master_key_that_begins_with_a_dash_still_starts_the_server(tmp_path):
    """token_urlsafe gives such a key one time in 64; it once failed a CI run (exit 2)."""
    binary = meili.find_binary()
    require(binary is not None, "no Meilisearch binary (make meilisearch)")
    server = meili.LocalServer(data_dir=tmp_path, binary=binary, master_key="-Xy_" + "k" * 28)
    try:
        server.start()
        assert meili.is_healthy(server.url)
        assert "--master-key=-Xy_" in " ".join(server.command())
    finally:
        server.stop()
    assert server.process.returncode is not None
