"""Demo data for the community app, called by `manage.py seed_demo` after the personas exist.
Must be idempotent: create what is missing, leave what exists (editors may have changed it)."""


def seed(*, stdout) -> None:
    """Nothing beyond the foundation's demo data yet."""
