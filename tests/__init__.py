"""The test suite as a package, so shared helpers import as ``tests.kit.…`` (no ``sys.path`` edits)."""
