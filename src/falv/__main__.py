"""`python -m falv …` runs the falv command."""

from falv.cli import main

main()
