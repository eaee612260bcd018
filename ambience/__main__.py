from ambience.cli import main

raise SystemExit(main())
