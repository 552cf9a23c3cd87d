from __future__ import annotations

from karpmigrate.cli import main

raise SystemExit(main())
