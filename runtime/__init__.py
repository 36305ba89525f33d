"""Everything with I/O: settings, stores, parsing, model backends, persistence, CLI."""
