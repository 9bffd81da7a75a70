"""The assistant's SQLite store: connection lifecycle, migrations and repositories."""
