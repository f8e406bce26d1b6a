"""Run every benchmark: `python -m bench` (what `make bench` does)."""

from bench import foundation

if __name__ == "__main__":
    foundation.main()
