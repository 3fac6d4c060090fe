__version__ = "0.1.0.dev0"

PROJECT_URL = "https://pypi.org/project/citecheck-sources/"
"""Where a site owner who sees our User-Agent can read what citecheck is."""
