"""Run every benchmark: `python -m bench` (what `make bench` does)."""

from bench import curtois, foundation, load, roster_synthetic

if __name__ == "__main__":
    foundation.main()
    curtois.main()
    roster_synthetic.main()
    load.main()
