"""The phone's clock endpoints and the punch log."""
