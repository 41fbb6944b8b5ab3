"""Pure rules: no I/O, no framework, easy to test exhaustively."""
