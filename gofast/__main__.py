from gofast.cli import main

if __name__ == "__main__":  # file parsing workers re-import the main module: run nothing then
    raise SystemExit(main())
