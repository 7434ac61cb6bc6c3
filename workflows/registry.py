"""Procedures register themselves here; the engine imports no domain app."""

flow_viewsets: list = []
"""viewflow `FlowViewset`s of every procedure, added by domain apps in `ready()`."""

demo_seeders: list = []
"""Callables `(stdout) -> None` that add a domain app's demo data to `seed_demo`."""

site_applications: list = []
"""viewflow `Application`s of domain apps (staff pages) shown in the staff Site."""
