"""falv (法律): an offline Chinese legal-consultation engine with verified statute citations."""

__version__ = "0.1.0"
