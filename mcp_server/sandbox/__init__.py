"""The sandbox: in-process fakes of each vendor API and of the hosted API.

Each connector ships its own fake in its folder (`sandbox.py`); this package
holds what is shared: serving an app on 127.0.0.1, or in-process for --demo.
"""
