"""The `simple` fixture of the dossier-lifecycle tests."""

from tests.engine.dossiers.helpers import simple  # noqa: F401 (a fixture, found by name)
