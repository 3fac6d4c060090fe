"""Publishers: the built-in registry of news outlets, agencies, governments, organisations and
platforms, and how names, text and URLs are matched against it."""

from __future__ import annotations

from citecheck.publishers.registry import (
    Publisher,
    PublisherType,
    Registry,
    RegistryError,
    default_registry,
    load_registry,
    registrable_domain,
)

__all__ = [
    "Publisher",
    "PublisherType",
    "Registry",
    "RegistryError",
    "default_registry",
    "load_registry",
    "registrable_domain",
]
