"""One module per lint rule (``kmNNN_<name>.py``), each ending ``RULE = <decorated function>``."""
