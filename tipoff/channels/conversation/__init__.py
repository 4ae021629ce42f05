"""The one conversation engine every channel uses (pure logic; see engine.py)."""
