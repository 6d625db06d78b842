"""Real servers and databases on loopback, shared by the tests."""
