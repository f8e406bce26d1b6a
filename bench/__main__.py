"""Run every benchmark: `python -m bench` (what `make bench` does)."""

from bench import curtois, foundation

if __name__ == "__main__":
    foundation.main()
    curtois.main()
