"""The ``siting`` command line: thin wiring of options to parks/geo/webapp functions."""
