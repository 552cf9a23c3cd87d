"""One module per audit check (``<id>_<name>.py``), each ending ``CHECK = <decorated function>``."""
