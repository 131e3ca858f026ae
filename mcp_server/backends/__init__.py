"""Backends: the direct vendor clients (in each connector's folder) and the hosted client."""
