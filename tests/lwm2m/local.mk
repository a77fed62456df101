# tests/lwm2m build fragment (filled below)
