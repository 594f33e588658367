from gofast.cli import main

raise SystemExit(main())
